using System.Net;
using Coordination.Hosting.Auth;
using Intake.Tests.Support;

namespace Intake.Tests;

/// <summary>PostgreSQL text and jsonb refuse U+0000: every free-text field refuses it first, as a 400 naming the field.</summary>
public sealed class NulInputTests : IAsyncLifetime
{
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task A_nul_in_a_credit_a_nomination_a_veto_or_a_reason_for_removal_is_a_400_naming_the_field()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft() })).StatusCode);

        Assert.Equal(["contact"], await (await member.Post($"cases/{caseId}/credits",
            new { revision = 1, name = "Nul", types = new[] { "finder" }, contact = "https://example.org/a\0b" })).ErrorFields());
        Assert.Equal(["statement"], await (await member.Post("nominations",
            new { candidateName = "Nora", contact = "nora@example.org", publicHandle = "nora", statement = "years of \0 triage" })).ErrorFields());
        Assert.Equal(["reason"], await (await admin.Post($"nominations/{Guid.NewGuid()}/veto", new { reason = "no\0" })).ErrorFields());
        Assert.Equal(["reason"], await (await member.Post("team/leave", new { reason = "bye\0" })).ErrorFields());
        Assert.Equal(["reason"], await (await admin.Post($"team/{Guid.NewGuid()}/removal", new { reason = "gone\0" })).ErrorFields());
        Assert.Equal(["reason"], await (await admin.DeleteAsync($"members/{Guid.NewGuid()}?reason=gone%00")).ErrorFields());
        Assert.Equal(["reason"], await (await admin.DeleteAsync($"members/{Guid.NewGuid()}")).ErrorFields()); // a removal records why
        Assert.Equal(["reason"], await (await admin.DeleteAsync($"members/{Guid.NewGuid()}?reason=%20")).ErrorFields());
        Assert.Equal(["reason"], await (await admin.DeleteAsync($"members/{Guid.NewGuid()}?reason={new string('x', 2001)}")).ErrorFields());

        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(1, draft.GetProperty("revision").GetInt32()); // the refused credit changed nothing
    }
}
