namespace Intake.Members;

/// <summary>A stored token: only its hash, never the text.</summary>
public sealed record MemberTokenRow(Guid Id, Guid MemberId, string TokenHash, DateTimeOffset IssuedAt, DateTimeOffset? ExpiresAt, Guid? IssuedBy, DateTimeOffset? RevokedAt);
