namespace EmbargoScheduler.Policy;

/// <summary>
/// The embargo rules, pure: each channel has a maximum length of embargo and optionally a maximum number of extensions
/// (a case in several channels takes the strictest; a running embargo keeps those it started with, see LimitsInForce),
/// the disclosure instant of a new embargo needs a minimum lead time, and reminders fall at fixed offsets before it.
/// </summary>
public sealed class EmbargoPolicy(EmbargoOptions options)
{
    public const string DisclosureAtField = "disclosureAt";
    public const string ChannelsField = "channels";
    public const string ExtensionsField = "extensions";

    public EmbargoOptions Options => options;

    public PolicyDecision EvaluateStart(IReadOnlyList<string> channels, DateTimeOffset disclosureAt, DateTimeOffset now)
    {
        if (CheckChannels(channels) is { } refused) return refused;
        if (disclosureAt < now + options.MinimumLeadTime)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"disclosure must be at least {options.MinimumLeadTime} ahead (minimum lead time), i.e. not before {now + options.MinimumLeadTime:O}");
        return CheckMaximum(channels, LimitsFor(channels)!, disclosureAt, embargoStart: now);
    }

    /// <summary>An extension moves the instant later, still within the limits in force (see LimitsInForce): the number of
    /// extensions, and the maximum counted from the start. The minimum lead time is not asked again: recipients were
    /// told at the start, and a later instant only gives them more.</summary>
    public PolicyDecision EvaluateExtension(RunningEmbargo embargo, DateTimeOffset newDisclosureAt, DateTimeOffset now)
    {
        if (embargo.DisclosureAt <= now)
            return PolicyDecision.Refuse(DisclosureAtField, InstantPassed(embargo.DisclosureAt));
        if (newDisclosureAt <= embargo.DisclosureAt)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"an extension must move disclosure later than the current instant {embargo.DisclosureAt:O}; to disclose early, break the embargo");
        var channels = string.Join(", ", embargo.Channels);
        if (LimitsInForce(embargo.Channels, embargo.LimitsAtStart) is not { } limits)
            return PolicyDecision.Refuse(ChannelsField,
                $"the channel(s) {channels} are no longer configured, and this embargo started before its limits were kept with it; configure a channel of it again to extend it");
        if (limits.MaxExtensions is { } most && embargo.Extensions >= most)
            return PolicyDecision.Refuse(ExtensionsField, most == 0
                ? $"the channel(s) {channels} allow no extensions; to disclose early, break the embargo"
                : $"the channel(s) {channels} allow at most {most} extension(s), and this embargo has had {embargo.Extensions}");
        return CheckMaximum(embargo.Channels, limits, newDisclosureAt, embargo.StartedAt);
    }

    /// <summary>The limits of the channels now configured, the strictest of them; null when none of them is.</summary>
    public ChannelLimits? LimitsFor(IReadOnlyList<string> channels)
    {
        var configured = channels.Where(options.Channels.ContainsKey).ToList();
        if (configured.Count == 0) return null;
        return configured.Select(c => new ChannelLimits(options.Channels[c], options.MaxExtensions.TryGetValue(c, out var n) ? n : null))
            .Aggregate((a, b) => a.Stricter(b));
    }

    /// <summary>
    /// The limits a running embargo is held to: those its channels had when it started, made stricter (never looser) by
    /// the configuration now; a channel since removed from the configuration leaves them as they were. One stored before
    /// the saga kept them has only the channels still configured (null when none is).
    /// </summary>
    public ChannelLimits? LimitsInForce(IReadOnlyList<string> channels, ChannelLimits? atStart) =>
        (atStart, LimitsFor(channels)) switch
        {
            (null, var current) => current,
            (var then, null) => then,
            var (then, current) => then.Stricter(current),
        };

    public IReadOnlyList<string> UnconfiguredChannels(IReadOnlyList<string> channels) =>
        channels.Where(c => !options.Channels.ContainsKey(c)).ToList();

    /// <summary>Why nothing can change an embargo any more (the policy, the saga and the API say it alike).</summary>
    public static string InstantPassed(DateTimeOffset disclosureAt) =>
        $"the disclosure instant {disclosureAt:O} has passed; the advisory is being published";

    /// <summary>The reminder instants still ahead of now, earliest first.</summary>
    public IReadOnlyList<DateTimeOffset> ReminderTimes(DateTimeOffset disclosureAt, DateTimeOffset now) =>
        options.EffectiveReminderOffsets.Select(o => disclosureAt - o).Where(t => t > now).Distinct().Order().ToList();

    /// <summary>The next reminder strictly after <paramref name="after"/>, if any.</summary>
    public DateTimeOffset? NextReminder(DateTimeOffset disclosureAt, DateTimeOffset after) =>
        ReminderTimes(disclosureAt, after).Cast<DateTimeOffset?>().FirstOrDefault();

    private PolicyDecision? CheckChannels(IReadOnlyList<string> channels)
    {
        if (channels.Count == 0) return PolicyDecision.Refuse(ChannelsField, "at least one channel is required");
        var unknown = UnconfiguredChannels(channels);
        if (unknown.Count > 0)
            return PolicyDecision.Refuse(ChannelsField,
                $"unknown channel(s) {string.Join(", ", unknown)}; known: {string.Join(", ", options.Channels.Keys.Order())}");
        return null;
    }

    private static PolicyDecision CheckMaximum(IReadOnlyList<string> channels, ChannelLimits limits, DateTimeOffset disclosureAt, DateTimeOffset embargoStart)
    {
        var latest = limits.LatestDisclosure(embargoStart);
        if (disclosureAt > latest)
            return PolicyDecision.Refuse(DisclosureAtField,
                $"embargo longer than the {limits.MaxDays} days the channel(s) {string.Join(", ", channels)} allow (latest {latest:O})");
        return PolicyDecision.Allow;
    }
}
