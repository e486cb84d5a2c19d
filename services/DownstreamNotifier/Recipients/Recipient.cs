namespace DownstreamNotifier.Recipients;

/// <summary>A contact chosen for a case, with the path that chose it.</summary>
public sealed record Recipient(
    Guid ContactId, string Name, string Email, Guid ProjectId, string ProjectName, IReadOnlyList<string> ProjectChannels,
    IReadOnlyList<string> Path, bool HasKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt, string? TimeZone);
