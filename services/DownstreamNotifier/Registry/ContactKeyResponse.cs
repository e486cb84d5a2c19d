namespace DownstreamNotifier.Registry;

public sealed record ContactKeyResponse(string Fingerprint, DateTimeOffset? ExpiresAt);
