namespace DownstreamNotifier.Registry;

/// <summary>TimeZone: an IANA zone ("Europe/Berlin") or a fixed offset ("+02:00"), optional.</summary>
public sealed record ContactRequest(string? Name, string? Email, string? Role, string? PublicKey, string? TimeZone);
