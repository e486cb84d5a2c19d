using System.Net;
using System.Text.Json;
using Coordination.Hosting.Auth;
using Intake.Governance;
using Intake.Tests.Support;

namespace Intake.Tests.Governance;

/// <summary>Real members (rows + tokens, created through /members) and the nomination steps the governance tests share.</summary>
public sealed class GovernanceTeam(IntakeFixture f)
{
    public HttpClient Root { get; } = f.Host.Client(f.Host.Token(Roles.Admin));

    public sealed record TeamMember(Guid Id, string Name, string Handle, string Token, HttpClient Http);

    public async Task<TeamMember> AddAsync(string handle, string role = Roles.Member)
    {
        var name = "Person " + handle;
        var created = await Root.Post("members", new { name, email = handle + "@example.org", publicHandle = handle, role });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var issued = await Root.Post($"members/{id}/tokens", new { });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.Json()).GetProperty("token").GetString()!;
        return new TeamMember(id, name, handle, token, f.Host.Client(token));
    }

    public async Task<List<TeamMember>> AddManyAsync(int count, string prefix)
    {
        var list = new List<TeamMember>();
        for (var i = 0; i < count; i++) list.Add(await AddAsync($"{prefix}{i}"));
        return list;
    }

    public static async Task<(Guid Id, DateTimeOffset ClosesAt)> NominateAsync(HttpClient by, string handle)
    {
        var response = await by.Post("nominations", new
        {
            candidateName = "Candidate " + handle, contact = handle + "@candidates.example", publicHandle = handle,
            statement = "Triaged CPython security reports for three years.",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.Json();
        return (json.GetProperty("id").GetGuid(), json.GetProperty("closesAt").GetDateTimeOffset());
    }

    public static async Task<JsonElement> VoteAsync(HttpClient by, Guid nominationId, string choice)
    {
        var response = await by.Put($"nominations/{nominationId}/vote", new { choice });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }

    public static async Task VoteAllAsync(IEnumerable<TeamMember> voters, Guid nominationId, string choice)
    {
        foreach (var v in voters) await VoteAsync(v.Http, nominationId, choice);
    }

    /// <summary>Waits for the deadline, then closes the vote as the CloseVote consumer would.</summary>
    public async Task<VoteCloser.Outcome> CloseAfterDeadlineAsync(Guid nominationId, DateTimeOffset closesAt)
    {
        var wait = closesAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        var outcome = await f.Host.Service<VoteCloser>().CloseAsync(nominationId, CancellationToken.None);
        Assert.Equal(VoteCloser.Outcome.Closed, outcome);
        return outcome;
    }

    public async Task<JsonElement> GetAsync(HttpClient by, Guid nominationId)
    {
        var response = await by.GetAsync($"nominations/{nominationId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Json();
    }
}
