namespace EmbargoScheduler.Apis;

/// <summary>The policy as it applies to a case: every channel's maximum, the strictest for this case and its latest instant.</summary>
public sealed record EmbargoLimits(
    IReadOnlyDictionary<string, int> ChannelMaxDays,
    int? CaseMaxDays,
    DateTimeOffset? LatestDisclosureAt,
    TimeSpan MinimumLeadTime,
    IReadOnlyList<TimeSpan> ReminderOffsets);
