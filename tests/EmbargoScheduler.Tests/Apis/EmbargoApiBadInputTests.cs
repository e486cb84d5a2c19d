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

/// <summary>Inputs found to answer 500 or to travel on in a form other services refused.</summary>
public sealed class EmbargoApiBadInputTests
{
    [Fact]
    public async Task A_body_that_does_not_bind_is_a_400_naming_the_field()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-api");
        await using var service = await SchedulerService.StartAsync(isolation);
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, Guid.NewGuid()));
        foreach (var (body, field) in new[]
                 {
                     ("{bad", "body"), ("[]", "body"), ("", "body"), ("null", "body"),
                     ("{\"disclosureAt\":12,\"reason\":\"x\"}", "disclosureAt"), ("{\"disclosureAt\":\"2027-01-01T00:00:00Z\",\"reason\":\"\\ud800\"}", "reason"),
                     ("{\"disclosureAt\":\"2027-01-01T00:00:00\",\"reason\":\"x\"}", "disclosureAt"), // no offset: the server's zone is no answer
                 })
        {
            var response = await http.PostAsync($"cases/{Guid.NewGuid()}/embargo/extend", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{body}: {(int)response.StatusCode} {text}");
            Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{body}: {text}");
        }
        Assert.DoesNotContain("nhandled", service.Output);
    }

    [Fact]
    public async Task An_extension_written_with_another_offset_goes_on_as_the_same_instant_in_UTC()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-api");
        await using var service = await SchedulerService.StartAsync(isolation);
        var rounds = new Arrivals<NotifyDownstream>();
        using var others = await TestBus.StartAsync(isolation, "others-stand-in", x =>
        {
            x.Record<NotifyDownstream>(Queues.DownstreamNotifier);
            x.Accept<PublishAdvisory>(Queues.Disclosure);
        }, s => s.AddSingleton(rounds));
        var bus = others.Services.GetRequiredService<IBus>();
        var memberId = Guid.NewGuid();
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, memberId));
        var db = new EmbargoDatabase(isolation);
        var caseId = NewId.NextGuid();
        await bus.Publish(new CaseOpened(caseId, memberId, [], DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Triaged") == 1, TimeSpan.FromSeconds(20), "the case is triaged");
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(5);
        await bus.Publish(new StartEmbargo(caseId, disclosureAt, ["distros"], memberId, DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == 1, TimeSpan.FromSeconds(20), "the case is embargoed");

        var extendedTo = disclosureAt.AddDays(2).ToOffset(TimeSpan.FromHours(5));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = extendedTo, reason = "more time" })).StatusCode);

        Assert.True(await rounds.WaitForCountAsync(2, TimeSpan.FromSeconds(20)), "the embargoed and the extended round");
        var extended = rounds.All.Single(a => a.Message.Kind == NoticeKinds.Extended).Message;
        Assert.Equal(extendedTo, extended.DisclosureAt);
        Assert.Equal(TimeSpan.Zero, extended.DisclosureAt.Offset);
        var embargo = await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");
        Assert.EndsWith("+00:00", embargo.GetProperty("disclosureAt").GetString());
    }
}
