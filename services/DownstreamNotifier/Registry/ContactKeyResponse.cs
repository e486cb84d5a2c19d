namespace DownstreamNotifier.Registry;

/// <param name="EncryptionSubkey">the fingerprint of the (sub)key notices are encrypted to, chosen when the key was
/// checked; null for a key stored before that choice was kept.</param>
public sealed record ContactKeyResponse(string Fingerprint, DateTimeOffset? ExpiresAt, string? EncryptionSubkey);
