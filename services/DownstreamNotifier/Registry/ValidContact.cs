namespace DownstreamNotifier.Registry;

/// <summary>A contact request that passed validation (its key, if any, checked).</summary>
public sealed record ValidContact(string Name, string Email, string? Role, string? TimeZone, string? PublicKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt,
    string? EncryptionSubkey);
