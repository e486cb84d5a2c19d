namespace EmbargoScheduler.Policy;

public static partial class UnconfiguredChannelLog
{
    /// <summary>An embargo stored before the saga kept its limits is held to the configuration as it is now; when that
    /// no longer has one of its channels, say so (the case id and the channel's name only).</summary>
    public static void WarnIfChannelsUnconfigured(this ILogger logger, EmbargoPolicy policy, Guid caseId, RunningEmbargo embargo)
    {
        if (embargo.LimitsAtStart is not null) return;
        foreach (var channel in policy.UnconfiguredChannels(embargo.Channels)) ChannelNotConfigured(logger, caseId, channel);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId}: channel {Channel} is no longer configured and the embargo keeps no limits "
        + "of its own (it started before the saga kept them); its extensions are held to its other channels, and refused if none is left")]
    private static partial void ChannelNotConfigured(ILogger logger, Guid caseId, string channel);
}
