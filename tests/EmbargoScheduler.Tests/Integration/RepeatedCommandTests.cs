using System.Text.Json;
using Coordination.Contracts.Embargo;
using EmbargoScheduler.Tests.Support;
using MassTransit;

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
        await using var scenario = await EmbargoScenario.StartAsync("embargo-repeated");
        var (bus, db, member) = (scenario.Bus, scenario.Db, scenario.Member);
        var caseId = NewId.NextGuid();

        var start = new StartEmbargo(caseId, DateTimeOffset.UtcNow.AddDays(5), ["default"], member, DateTimeOffset.UtcNow);
        var startId = NewId.NextGuid();
        await bus.Publish(start, c => c.MessageId = startId);
        await bus.Publish(start, c => c.MessageId = startId);
        await scenario.WaitUntilEmbargoedAsync(caseId); // an extension of no embargo would be refused
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
        var embargo = await scenario.EmbargoAsync(caseId);

        Assert.Empty(embargo.GetProperty("refusals").EnumerateArray());
        Assert.Equal(["the fix needs three more days", "and one more"],
            embargo.GetProperty("extensions").EnumerateArray().Select(x => x.GetProperty("reason").GetString()));
        Assert.Equal(3, await db.ScalarAsync<long>("SELECT count(*) FROM processed_messages WHERE consumer = 'saga-coordination_sagas'"));

        Task WaitForExtensionAsync(string reason) => db.WaitUntilAsync(async () =>
            (await scenario.EmbargoAsync(caseId)).GetProperty("extensions").EnumerateArray()
                .Any(x => x.GetProperty("reason").GetString() == reason), TimeSpan.FromSeconds(30), $"the extension '{reason}' is recorded");
    }
}
