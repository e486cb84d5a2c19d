namespace EmbargoScheduler.Policy;

/// <summary>What a case's channels allow, the strictest of them: the longest embargo, counted from its start, and how
/// many extensions (null: any number). Kept with the saga when the embargo starts.</summary>
public sealed record ChannelLimits(int MaxDays, int? MaxExtensions)
{
    /// <summary>The latest disclosure an embargo started then may have (the policy refuses beyond it; the API shows it).</summary>
    public DateTimeOffset LatestDisclosure(DateTimeOffset startedAt) => startedAt.AddDays(MaxDays);

    /// <summary>Each limit the stricter of the two.</summary>
    public ChannelLimits Stricter(ChannelLimits other) =>
        new(Math.Min(MaxDays, other.MaxDays), MaxExtensions is { } mine && other.MaxExtensions is { } theirs ? Math.Min(mine, theirs) : MaxExtensions ?? other.MaxExtensions);
}
