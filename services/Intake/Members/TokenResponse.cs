namespace Intake.Members;

/// <summary>What an admin sees of a stored token: never its text or hash.</summary>
public sealed record TokenResponse(Guid TokenId, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);
