using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Integration;

/// <summary>
/// A command the saga committed comes again with the same message id, as the broker redelivers it when the service died
/// between its commit and the acknowledgement: the second delivery changes nothing.
/// </summary>
public sealed class RepeatedCommandTests
{
    [Fact]
    public async Task A_start_and_an_extension_delivered_twice_are_each_applied_once_and_refused_never()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-repeated");
        await using var service = await SchedulerService.StartAsync(isolation);
        using var others = await TestBus.StartAsync(isolation, "others-stand-in", x =>
        {
            x.Accept<NotifyDownstream>(Queues.DownstreamNotifier);
            x.Accept<PublishAdvisory>(Queues.Disclosure);
        });
        var bus = others.Services.GetRequiredService<IBus>();
        var db = new EmbargoDatabase(isolation);
        var member = Guid.NewGuid();
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, member));
        var caseId = NewId.NextGuid();

        var start = new StartEmbargo(caseId, DateTimeOffset.UtcNow.AddDays(5), ["default"], member, DateTimeOffset.UtcNow);
        var startId = NewId.NextGuid();
        await bus.Publish(start, c => c.MessageId = startId);
        await bus.Publish(start, c => c.MessageId = startId);
        await db.WaitUntilAsync(async () => await db.ScalarAsync<string>("SELECT current_state FROM coordination_sagas WHERE correlation_id = @Id",
            new { Id = caseId }) == "Embargoed", TimeSpan.FromSeconds(20), "the case is embargoed"); // an extension of no embargo would be refused
        var extend = new ExtendEmbargo(caseId, DateTimeOffset.UtcNow.AddDays(8), "the fix needs three more days", member, DateTimeOffset.UtcNow);
        var extendId = NewId.NextGuid();
        await bus.Publish(extend, c => c.MessageId = extendId);
        await bus.Publish(extend, c => c.MessageId = extendId);
        await WaitForExtensionAsync("the fix needs three more days");
        // A later, different extension: the saga takes messages concurrently, so once it shows and a moment has passed,
        // a repeated copy still in flight would have shown too.
        await bus.Publish(new ExtendEmbargo(caseId, DateTimeOffset.UtcNow.AddDays(9), "and one more", member, DateTimeOffset.UtcNow));
        await WaitForExtensionAsync("and one more");
        await Task.Delay(1000);
        var embargo = await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");

        Assert.Empty(embargo.GetProperty("refusals").EnumerateArray());
        Assert.Equal(["the fix needs three more days", "and one more"],
            embargo.GetProperty("extensions").EnumerateArray().Select(x => x.GetProperty("reason").GetString()));
        Assert.Equal(3, await db.ScalarAsync<long>("SELECT count(*) FROM processed_messages WHERE consumer = 'saga-coordination_sagas'"));

        Task WaitForExtensionAsync(string reason) => db.WaitUntilAsync(async () =>
            (await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo")).GetProperty("extensions").EnumerateArray()
                .Any(x => x.GetProperty("reason").GetString() == reason), TimeSpan.FromSeconds(30), $"the extension '{reason}' is recorded");
    }
}
