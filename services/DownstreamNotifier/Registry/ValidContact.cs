namespace DownstreamNotifier.Registry;

/// <summary>A contact request that passed validation (its key, if any, checked).</summary>
/// <param name="KeepsStoredKey">an import row gave the key stored for the contact already: left out (unchecked: it may
/// have expired since), the contact keeps it.</param>
public sealed record ValidContact(string Name, string Email, string? Role, string? TimeZone, string? PublicKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt,
    string? EncryptionSubkey, bool KeepsStoredKey = false);
