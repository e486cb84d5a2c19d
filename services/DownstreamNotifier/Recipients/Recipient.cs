namespace DownstreamNotifier.Recipients;

/// <summary>A contact chosen for a case, with the path that chose it.</summary>
/// <param name="Excluded">told about the case before a member excluded its project: it hears of schedule changes only.</param>
public sealed record Recipient(
    Guid ContactId, string Name, string Email, Guid ProjectId, string ProjectName, IReadOnlyList<string> ProjectChannels,
    IReadOnlyList<string> Path, bool HasKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt, string? TimeZone, bool Excluded = false);
