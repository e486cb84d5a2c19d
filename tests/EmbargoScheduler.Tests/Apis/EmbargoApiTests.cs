using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Apis;

/// <summary>/cases/{id}/embargo on the service as a process; the saga is driven by events published on the broker.</summary>
public sealed class EmbargoApiTests
{
    [Fact]
    public async Task Members_see_the_embargo_extend_it_within_policy_and_break_it()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-api");
        await using var service = await SchedulerService.StartAsync(isolation);
        using var intake = await TestBus.StartAsync(isolation, "intake-stand-in", x =>
        {
            x.Accept<NotifyDownstream>(Queues.DownstreamNotifier);
            x.Accept<PublishAdvisory>(Queues.Disclosure);
        });
        var bus = intake.Services.GetRequiredService<IBus>();
        var memberId = Guid.NewGuid();
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, memberId));
        var db = new EmbargoDatabase(isolation);

        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"cases/{Guid.NewGuid()}/embargo")).StatusCode);
        using (var anonymous = service.CreateClient())
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"cases/{Guid.NewGuid()}/embargo")).StatusCode);

        var caseId = NewId.NextGuid();
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(5);
        await bus.Publish(new CaseOpened(caseId, memberId, [], DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Triaged") == 1, TimeSpan.FromSeconds(20), "the case is triaged");
        var conflict = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(1), reason = "x" });
        Assert.Equal(HttpStatusCode.Conflict, conflict.StatusCode);

        await bus.Publish(new StartEmbargo(caseId, disclosureAt, ["distros"], memberId, DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == 1, TimeSpan.FromSeconds(20), "the case is embargoed");

        var embargo = await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");
        Assert.Equal("Embargoed", embargo.GetProperty("state").GetString());
        Assert.Equal(disclosureAt, embargo.GetProperty("disclosureAt").GetDateTimeOffset());
        Assert.Equal(14, embargo.GetProperty("policy").GetProperty("caseMaxDays").GetInt32());
        Assert.Equal(90, embargo.GetProperty("policy").GetProperty("channelMaxDays").GetProperty("default").GetInt32());

        var missing = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var errors = (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("disclosureAt", out _));
        Assert.True(errors.TryGetProperty("reason", out _));

        var tooLong = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(30), reason = "more time" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        var problem = await tooLong.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("14 days", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("disclosureAt", out _));

        var extendedTo = disclosureAt.AddDays(2);
        var extend = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = extendedTo, reason = "the fix needs a backport" });
        Assert.Equal(HttpStatusCode.Accepted, extend.StatusCode);
        JsonElement extension = default;
        await db.WaitUntilAsync(async () =>
        {
            var current = await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");
            var extensions = current.GetProperty("extensions");
            if (extensions.GetArrayLength() == 0) return false;
            extension = extensions[0];
            return true;
        }, TimeSpan.FromSeconds(20), "the extension is recorded");
        Assert.Equal("the fix needs a backport", extension.GetProperty("reason").GetString());
        Assert.Equal(memberId, extension.GetProperty("requestedBy").GetGuid());
        Assert.Equal(extendedTo, extension.GetProperty("disclosureAt").GetDateTimeOffset());

        Assert.Equal(HttpStatusCode.BadRequest, (await http.PostAsJsonAsync($"cases/{caseId}/embargo/break", new { reason = " " })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"cases/{caseId}/embargo/break", new { reason = "exploit published" })).StatusCode);
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Disclosing") == 1, TimeSpan.FromSeconds(20), "the case is disclosing");
        var again = await http.PostAsJsonAsync($"cases/{caseId}/embargo/break", new { reason = "again" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Disclosing", (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Extend_and_break_once_the_instant_has_passed_are_409_not_accepted()
    {
        await using var scenario = await EmbargoScenario.StartAsync("embargo-api");
        var (http, db) = (scenario.Http, scenario.Db);
        var caseId = await scenario.EmbargoAsync(DateTimeOffset.UtcNow.AddDays(5), "distros");
        // The instant has come but the saga has not yet handled its DisclosureDue (many disclosures in the same second).
        var passed = DateTimeOffset.UtcNow.AddSeconds(-1);
        await db.ScalarAsync<object>("UPDATE coordination_sagas SET body = jsonb_set(body, '{DisclosureAt}', to_jsonb(@At::text)) WHERE correlation_id = @Id",
            new { Id = caseId, At = passed.ToString("O") });

        var breaking = await http.PostAsJsonAsync($"cases/{caseId}/embargo/break", new { reason = "leaked" });
        Assert.Equal(HttpStatusCode.Conflict, breaking.StatusCode);
        Assert.Contains("has passed", (await breaking.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
        var extending = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = passed.AddDays(1), reason = "more time" });
        Assert.Equal(HttpStatusCode.Conflict, extending.StatusCode);
        Assert.Contains("has passed", (await extending.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_reason_with_a_NUL_character_is_a_400_naming_reason()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-api");
        await using var service = await SchedulerService.StartAsync(isolation);
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, Guid.NewGuid()));
        var caseId = Guid.NewGuid();

        foreach (var (path, body) in new (string, object)[]
                 {
                     ("extend", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(5), reason = "fix\0later" }),
                     ("break", new { reason = "leak\0" }),
                 })
        {
            var response = await http.PostAsJsonAsync($"cases/{caseId}/embargo/{path}", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Contains("NUL", errors.GetProperty("reason")[0].GetString());
        }
    }
}
