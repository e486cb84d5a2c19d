namespace EmbargoScheduler.Apis;

/// <summary>The policy as it applies to a case: every channel's maximum, the limits in force for this case (those it
/// started with, or stricter ones configured since) and its latest instant. Maximum extensions: null or absent is no limit.</summary>
public sealed record EmbargoLimits(
    IReadOnlyDictionary<string, int> ChannelMaxDays,
    int? CaseMaxDays,
    DateTimeOffset? LatestDisclosureAt,
    TimeSpan MinimumLeadTime,
    IReadOnlyList<TimeSpan> ReminderOffsets,
    IReadOnlyDictionary<string, int> ChannelMaxExtensions,
    int? CaseMaxExtensions);
