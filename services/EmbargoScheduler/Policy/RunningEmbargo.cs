namespace EmbargoScheduler.Policy;

/// <summary>What the policy needs to know of an embargo that has started. LimitsAtStart is null for one stored before
/// the saga kept them.</summary>
public sealed record RunningEmbargo(
    IReadOnlyList<string> Channels, ChannelLimits? LimitsAtStart, DateTimeOffset StartedAt, DateTimeOffset DisclosureAt, int Extensions);
