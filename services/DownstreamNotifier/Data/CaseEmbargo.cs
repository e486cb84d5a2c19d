namespace DownstreamNotifier.Data;

/// <summary>The notifier's copy of a case's embargo: the disclosure instant and channels, and how it ended (null while it runs).</summary>
public sealed record CaseEmbargo(DateTimeOffset DisclosureAt, string[] Channels, string? Ended, DateTimeOffset? EndedAt)
{
    public const string Withdrawn = "withdrawn";
    public const string Broken = "broken";
    public const string Public = "public";

    public bool IsWithdrawn => Ended == Withdrawn;
}
