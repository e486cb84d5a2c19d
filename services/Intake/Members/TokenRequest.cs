namespace Intake.Members;

/// <summary>Body of POST /members/{id}/tokens; no expiry means the token lives until revoked.</summary>
public sealed record TokenRequest(DateTimeOffset? ExpiresAt);
