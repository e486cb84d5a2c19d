namespace DownstreamNotifier.Apis;

public sealed record RecipientView(
    Guid ContactId, string Name, string Email, Guid ProjectId, string Project, IReadOnlyList<string> Path,
    bool HasKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt, bool KeyExpiresBeforeDisclosure, string Mode);
