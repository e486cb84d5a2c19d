using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using Dapper;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>
/// The clock sends the waiting PublishAdvisory while a request that would cancel it is being handled: the clock holds
/// the row (claimed FOR UPDATE) until it commits it as sent, and the saga's cancel then finds nothing to cancel.
/// </summary>
public sealed class PublicationRaceTests
{
    [Fact]
    public async Task Extend_break_and_withdraw_that_lose_the_race_with_the_clock_are_refused()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-race");
        await using var service = await SchedulerService.StartAsync(isolation);
        var advisories = new Arrivals<PublishAdvisory>();
        using var others = await TestBus.StartAsync(isolation, "disclosure-stand-in",
            x => { x.Record<PublishAdvisory>(Queues.Disclosure); x.Accept<NotifyDownstream>(Queues.DownstreamNotifier); }, s => s.AddSingleton(advisories));
        var bus = others.Services.GetRequiredService<IBus>();
        var memberId = Guid.NewGuid();
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, memberId));
        var db = new EmbargoDatabase(isolation);

        var caseId = NewId.NextGuid();
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(5);
        await bus.Publish(new StartEmbargo(caseId, disclosureAt, ["default"], memberId, DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == 1, TimeSpan.FromSeconds(20), "the case is embargoed");
        var publication = await db.ScalarAsync<Guid>(
            "SELECT (body->>'PublicationTokenId')::uuid FROM coordination_sagas WHERE correlation_id = @Id", new { Id = caseId });

        // Stand in for the clock: claim the row, let the extension's cancel wait on it, then commit it as sent.
        await using (var clock = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "embargo" }.ConnectionString))
        {
            await clock.OpenAsync();
            await using var claim = await clock.BeginTransactionAsync();
            await clock.ExecuteAsync("SELECT 1 FROM scheduled_messages WHERE token_id = @T FOR UPDATE", new { T = publication }, claim);

            var extend = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(2), reason = "backport" });
            Assert.Equal(HttpStatusCode.Accepted, extend.StatusCode); // the instant is still ahead as far as the API can tell
            await db.WaitUntilAsync(async () => await db.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 1,
                TimeSpan.FromSeconds(20), "the saga's cancel waits for the clock's row lock");

            await clock.ExecuteAsync("UPDATE scheduled_messages SET state = 'sent', sent_at = now() WHERE token_id = @T", new { T = publication }, claim);
            await claim.CommitAsync();
        }

        var embargo = await RefusalsAsync(http, db, caseId, 1);
        var refusal = embargo.GetProperty("refusals")[0];
        Assert.Equal(nameof(ExtendEmbargo), refusal.GetProperty("request").GetString());
        Assert.Contains("has passed", refusal.GetProperty("reason").GetString());
        Assert.Equal(disclosureAt, embargo.GetProperty("disclosureAt").GetDateTimeOffset());
        Assert.Equal(0, embargo.GetProperty("extensions").GetArrayLength());

        // A break or withdrawal finds the same sent row: the advisory is not sent again, the case is not withdrawn.
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsJsonAsync($"cases/{caseId}/embargo/break", new { reason = "leak" })).StatusCode);
        await RefusalsAsync(http, db, caseId, 2);
        await bus.Publish(new WithdrawCase(caseId, "duplicate", memberId, DateTimeOffset.UtcNow));
        embargo = await RefusalsAsync(http, db, caseId, 3);

        Assert.Equal([nameof(ExtendEmbargo), nameof(BreakEmbargo), nameof(WithdrawCase)],
            embargo.GetProperty("refusals").EnumerateArray().Select(r => r.GetProperty("request").GetString()));
        Assert.Equal("Embargoed", embargo.GetProperty("state").GetString());
        Assert.Equal(0, await db.ScalarAsync<long>("SELECT count(*) FROM scheduled_messages WHERE state = 'pending' AND message_types LIKE '%PublishAdvisory%'"));
        Assert.Equal(1, await db.ScalarAsync<long>("SELECT count(*) FROM scheduled_messages WHERE state = 'pending' AND message_types LIKE '%DisclosureDue%'"));
        Assert.Equal("sent", await db.ScalarAsync<string>("SELECT state FROM scheduled_messages WHERE token_id = @T", new { T = publication }));
        await Task.Delay(500);
        Assert.Empty(advisories.All);
    }

    private static async Task<JsonElement> RefusalsAsync(HttpClient http, EmbargoDatabase db, Guid caseId, int count)
    {
        JsonElement embargo = default;
        await db.WaitUntilAsync(async () =>
        {
            embargo = await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");
            return embargo.GetProperty("refusals").GetArrayLength() >= count;
        }, TimeSpan.FromSeconds(20), $"{count} refusal(s) are recorded");
        return embargo;
    }
}
