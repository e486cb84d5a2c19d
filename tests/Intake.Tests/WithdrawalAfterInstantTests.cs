using System.Net;
using Coordination.Contracts.Embargo;
using Coordination.Hosting.Auth;
using Intake.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Intake.Tests;

/// <summary>Once the disclosure instant intake heard of has come, a withdrawal is refused at once (the saga would refuse it).</summary>
public sealed class WithdrawalAfterInstantTests : IAsyncLifetime
{
    private readonly TestClock clock = new();
    private IntakeFixture f = null!;
    private HttpClient member = null!;

    public async Task InitializeAsync()
    {
        f = await IntakeFixture.StartAsync(configure: b => b.Services.AddSingleton<TimeProvider>(clock));
        member = f.Host.Client(f.Host.Token(Roles.Member));
    }

    public async Task DisposeAsync()
    {
        member.Dispose();
        await f.DisposeAsync();
    }

    private static readonly DateTimeOffset Instant = new(2030, 6, 1, 14, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_withdrawal_at_or_after_the_instant_is_refused_with_409_and_nothing_is_sent()
    {
        var caseId = await EmbargoedCase(new EmbargoStarted(Guid.Empty, Instant, ["default"], Instant.AddDays(-10)));

        foreach (var at in new[] { Instant, Instant.AddSeconds(1) })
        {
            clock.Now = at;
            var refused = await Withdraw(caseId);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("instant 2030-06-01T14:00:00.0000000+00:00 has passed", (await refused.Json()).GetProperty("detail").GetString());
        }
        Assert.Equal("embargoed", await Status(caseId));
        Assert.DoesNotContain("case.withdrawal-requested", await Timeline(caseId));

        clock.Now = Instant.AddSeconds(-1);
        Assert.Equal(HttpStatusCode.Accepted, (await Withdraw(caseId)).StatusCode);
        await f.Bus.WaitForAsync<WithdrawCase>(w => w.CaseId == caseId);
        await Task.Delay(TimeSpan.FromSeconds(1)); // one from a refused request would have come before this one
        Assert.Single(f.Bus.All<WithdrawCase>(), w => w.CaseId == caseId);
    }

    [Fact]
    public async Task The_instant_is_the_latest_extension_heard_of_whichever_event_arrives_first()
    {
        var later = Instant.AddDays(7);
        var caseId = await OpenCase();
        await f.Bus.PublishAsync(new EmbargoExtended(caseId, Instant, later, "fix not ready", Guid.NewGuid(), Instant.AddDays(-1)), Guid.NewGuid());
        await WaitForTimeline(caseId, "embargo.extended");
        await f.Bus.PublishAsync(new EmbargoStarted(caseId, Instant, ["default"], Instant.AddDays(-10)), Guid.NewGuid());
        await WaitForTimeline(caseId, "embargo.started");

        clock.Now = later;
        Assert.Equal(HttpStatusCode.Conflict, (await Withdraw(caseId)).StatusCode);
        clock.Now = Instant.AddHours(1); // past the first instant, before the extended one
        Assert.Equal(HttpStatusCode.Accepted, (await Withdraw(caseId)).StatusCode);
    }

    [Fact]
    public async Task A_broken_embargo_is_disclosed_at_once_so_a_withdrawal_after_the_break_is_refused()
    {
        var brokenAt = Instant.AddDays(-3);
        var caseId = await EmbargoedCase(new EmbargoStarted(Guid.Empty, Instant, ["default"], Instant.AddDays(-10)));
        await f.Bus.PublishAsync(new EmbargoBroken(caseId, "leaked", Guid.NewGuid(), brokenAt), Guid.NewGuid());
        await WaitForTimeline(caseId, "embargo.broken");

        clock.Now = brokenAt.AddMinutes(1);
        Assert.Equal(HttpStatusCode.Conflict, (await Withdraw(caseId)).StatusCode);
        Assert.Equal("embargoed", await Status(caseId));
    }

    private async Task<Guid> OpenCase() => await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);

    private async Task<Guid> EmbargoedCase(EmbargoStarted started)
    {
        var caseId = await OpenCase();
        await f.Bus.PublishAsync(started with { CaseId = caseId }, Guid.NewGuid());
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await Status(caseId) != "embargoed")
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the case did not become embargoed");
            await Task.Delay(100);
        }
        return caseId;
    }

    private Task<HttpResponseMessage> Withdraw(Guid caseId) => member.Post($"cases/{caseId}/withdraw", new { reason = "duplicate" });

    private async Task<string?> Status(Guid caseId) => (await (await member.GetAsync($"cases/{caseId}")).Json()).GetProperty("status").GetString();

    private async Task<List<string?>> Timeline(Guid caseId) =>
        (await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();

    private async Task WaitForTimeline(Guid caseId, string action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!(await Timeline(caseId)).Contains(action))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{action} was not recorded");
            await Task.Delay(100);
        }
    }
}
