using System.ComponentModel.DataAnnotations;

namespace EmbargoScheduler.Policy;

/// <summary>Settings "Embargo:*". Channel limits in days; lead time and reminder offsets as TimeSpans ("1.00:00:00").</summary>
public sealed class EmbargoOptions : IValidatableObject
{
    public const string Section = "Embargo";

    public static readonly TimeSpan[] DefaultReminderOffsets = [TimeSpan.FromHours(72), TimeSpan.FromHours(24)];

    /// <summary>Channel name → longest embargo in days (distros 14, default 90; configured entries add or override).</summary>
    public Dictionary<string, int> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase) { ["distros"] = 14, ["default"] = 90 };

    /// <summary>Channel name → how many times an embargo in it may be extended (a channel not named here: any number; 0: never).</summary>
    public Dictionary<string, int> MaxExtensions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The disclosure instant must be at least this far ahead, so recipients have time to act.</summary>
    public TimeSpan MinimumLeadTime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Reminders this long before disclosure (null: 72 h and 24 h, written "3.00:00:00" and "1.00:00:00": "72:00:00"
    /// reads as 72 days). Bound lists would append to defaults.</summary>
    public TimeSpan[]? ReminderOffsets { get; set; }

    /// <summary>How long the clock keeps messages it has sent or cancelled (a cancel's tombstone must outlive any late
    /// ScheduleMessage it overtook; a month is far beyond any broker redelivery).</summary>
    public TimeSpan ClockRetention { get; set; } = TimeSpan.FromDays(30);

    public IReadOnlyList<TimeSpan> EffectiveReminderOffsets => ReminderOffsets ?? DefaultReminderOffsets;

    /// <summary>Upper bound of every length of time here: instants computed from larger ones overflow DateTimeOffset.</summary>
    public const int MaxDays = 3650;

    private static readonly TimeSpan MaxSpan = TimeSpan.FromDays(MaxDays);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Channels.Count == 0)
            yield return new ValidationResult("at least one channel is required", [nameof(Channels)]);
        foreach (var (name, days) in Channels)
            if (days <= 0)
                yield return new ValidationResult($"channel '{name}' must allow at least 1 day", [$"{nameof(Channels)}:{name}"]);
            else if (days > MaxDays)
                yield return new ValidationResult($"channel '{name}' must allow at most {MaxDays} days", [$"{nameof(Channels)}:{name}"]);
        foreach (var (name, count) in MaxExtensions)
            if (count < 0)
                yield return new ValidationResult($"channel '{name}' must allow 0 or more extensions (leave it unset for no limit)", [$"{nameof(MaxExtensions)}:{name}"]);
            else if (!Channels.ContainsKey(name)) // a misspelt channel would leave the real one without its limit
                yield return new ValidationResult($"'{name}' is not a channel of {Section}:{nameof(Channels)}", [$"{nameof(MaxExtensions)}:{name}"]);
        if (MinimumLeadTime < TimeSpan.Zero)
            yield return new ValidationResult("must not be negative", [nameof(MinimumLeadTime)]);
        else if (MinimumLeadTime > MaxSpan)
            yield return new ValidationResult($"must be at most {MaxDays} days", [nameof(MinimumLeadTime)]);
        if (ClockRetention < TimeSpan.FromHours(1))
            yield return new ValidationResult("must be at least one hour", [nameof(ClockRetention)]);
        else if (ClockRetention > MaxSpan)
            yield return new ValidationResult($"must be at most {MaxDays} days", [nameof(ClockRetention)]);
        if (EffectiveReminderOffsets.Any(o => o <= TimeSpan.Zero))
            yield return new ValidationResult("every offset must be positive", [nameof(ReminderOffsets)]);
        if (EffectiveReminderOffsets.Any(o => o > MaxSpan))
            yield return new ValidationResult($"every offset must be at most {MaxDays} days", [nameof(ReminderOffsets)]);
    }
}
