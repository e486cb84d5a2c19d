namespace EmbargoScheduler.Policy;

/// <summary>
/// The embargo rules, pure: each channel has a maximum embargo (a case in several channels takes the strictest),
/// the disclosure instant of a new embargo needs a minimum lead time, and reminders fall at fixed offsets before it.
/// </summary>
public sealed class EmbargoPolicy(EmbargoOptions options)
{
    public const string DisclosureAtField = "disclosureAt";
    public const string ChannelsField = "channels";

    public EmbargoOptions Options => options;

    public PolicyDecision EvaluateStart(IReadOnlyList<string> channels, DateTimeOffset disclosureAt, DateTimeOffset now)
    {
        if (CheckChannels(channels) is { } refused) return refused;
        if (disclosureAt < now + options.MinimumLeadTime)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"disclosure must be at least {options.MinimumLeadTime} ahead (minimum lead time), i.e. not before {now + options.MinimumLeadTime:O}");
        return CheckMaximum(channels, disclosureAt, embargoStart: now);
    }

    /// <summary>An extension moves the instant later, still within the channels' maximum counted from the start. The
    /// minimum lead time is not asked again: recipients were told at the start, and a later instant only gives them more.</summary>
    public PolicyDecision EvaluateExtension(IReadOnlyList<string> channels, DateTimeOffset startedAt, DateTimeOffset currentDisclosureAt,
        DateTimeOffset newDisclosureAt, DateTimeOffset now)
    {
        if (currentDisclosureAt <= now)
            return PolicyDecision.Refuse(DisclosureAtField, InstantPassed(currentDisclosureAt));
        if (newDisclosureAt <= currentDisclosureAt)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"an extension must move disclosure later than the current instant {currentDisclosureAt:O}; to disclose early, break the embargo");
        return CheckMaximum(channels, newDisclosureAt, startedAt);
    }

    /// <summary>Why nothing can change an embargo any more (the policy, the saga and the API say it alike).</summary>
    public static string InstantPassed(DateTimeOffset disclosureAt) =>
        $"the disclosure instant {disclosureAt:O} has passed; the advisory is being published";

    /// <summary>The strictest maximum of the channels (unknown channels are ignored here; they are refused elsewhere).</summary>
    public TimeSpan MaximumFor(IReadOnlyList<string> channels) =>
        TimeSpan.FromDays(channels.Where(options.Channels.ContainsKey).Select(c => options.Channels[c]).DefaultIfEmpty(0).Min());

    /// <summary>The reminder instants still ahead of now, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> ReminderTimes(DateTimeOffset disclosureAt, DateTimeOffset now) =>
        options.EffectiveReminderOffsets.Select(o => disclosureAt - o).Where(t => t > now).Distinct().Order().ToList();

    /// <summary>The next reminder strictly after <paramref name="after"/>, if any.</summary>
    public DateTimeOffset? NextReminder(DateTimeOffset disclosureAt, DateTimeOffset after) =>
        ReminderTimes(disclosureAt, after).Cast<DateTimeOffset?>().FirstOrDefault();

    private PolicyDecision? CheckChannels(IReadOnlyList<string> channels)
    {
        if (channels.Count == 0) return PolicyDecision.Refuse(ChannelsField, "at least one channel is required");
        var unknown = channels.Where(c => !options.Channels.ContainsKey(c)).ToList();
        if (unknown.Count > 0)
            return PolicyDecision.Refuse(ChannelsField,
                $"unknown channel(s) {string.Join(", ", unknown)}; known: {string.Join(", ", options.Channels.Keys.Order())}");
        return null;
    }

    private PolicyDecision CheckMaximum(IReadOnlyList<string> channels, DateTimeOffset disclosureAt, DateTimeOffset embargoStart)
    {
        var maximum = MaximumFor(channels);
        if (disclosureAt > embargoStart + maximum)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"embargo longer than the {maximum.TotalDays:0.##} days the channel(s) {string.Join(", ", channels)} allow (latest {embargoStart + maximum:O})");
        return PolicyDecision.Allow;
    }
}
