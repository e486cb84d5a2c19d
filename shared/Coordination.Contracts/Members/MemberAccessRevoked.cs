namespace Coordination.Contracts.Members;

/// <summary>Tokens stop working in every service: one token (TokenId set) or all of a member's tokens issued up to RevokedAt.</summary>
public sealed record MemberAccessRevoked(Guid MemberId, Guid? TokenId, DateTimeOffset RevokedAt);
