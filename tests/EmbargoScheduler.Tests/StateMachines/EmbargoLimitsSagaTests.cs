using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using EmbargoScheduler.Policy;
using MassTransit;

namespace EmbargoScheduler.Tests.StateMachines;

/// <summary>The saga decides again when it acts (the API's check may be stale): the extension limit, and the limits kept from the start.</summary>
public sealed class EmbargoLimitsSagaTests
{
    private static readonly DateTimeOffset T0 = CoordinationHarness.Start;
    private static readonly Guid Member = Guid.NewGuid();

    private static async Task<Guid> Embargoed(CoordinationHarness h, string channel)
    {
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(5), [channel], Member, T0));
        await h.InState(caseId, m => m.Embargoed);
        return caseId;
    }

    private static async Task Extended(CoordinationHarness h, Guid caseId, int count)
    {
        for (var i = 0; i < 100 && h.Instance(caseId)!.Extensions.Count < count; i++) await Task.Delay(50);
        Assert.Equal(count, h.Instance(caseId)!.Extensions.Count);
    }

    [Fact]
    public async Task An_extension_beyond_the_channels_limit_is_refused_by_the_saga_and_changes_nothing()
    {
        var options = new EmbargoOptions();
        options.MaxExtensions["distros"] = 1;
        await using var h = await CoordinationHarness.StartAsync(options);
        var caseId = await Embargoed(h, "distros");

        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(6), "backport", Member, T0));
        await Extended(h, caseId, 1);
        // Both accepted by the API before the saga recorded the first one.
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(7), "another backport", Member, T0));

        Assert.Contains("at most 1 extension", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        Assert.Equal(T0.AddDays(6), h.Instance(caseId)!.DisclosureAt);
        Assert.Single(h.Harness.Sent.Select<NotifyDownstream>(m => m.Context.Message.CaseId == caseId && m.Context.Message.Kind == NoticeKinds.Extended));
    }

    [Fact]
    public async Task A_channel_removed_from_the_configuration_leaves_the_saga_the_limits_it_started_with()
    {
        var options = new EmbargoOptions();
        options.Channels["vendors"] = 30;
        options.MaxExtensions["vendors"] = 1;
        await using var h = await CoordinationHarness.StartAsync(options);
        var caseId = await Embargoed(h, "vendors");
        Assert.Equal(new ChannelLimits(30, 1), h.Instance(caseId)!.LimitsAtStart);

        options.Channels.Remove("vendors"); // as after a restart with settings that no longer have it
        options.MaxExtensions.Remove("vendors");
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(25), "vendor release train", Member, T0));
        await Extended(h, caseId, 1);
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(26), "again", Member, T0));
        Assert.Contains("at most 1 extension", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
    }
}
