namespace Coordination.Hosting.Auth;

/// <summary>What a member token says about its holder. Signed, so any service can trust it
/// without asking intake; revocation travels as MemberAccessRevoked events.</summary>
public sealed record MemberToken(
    Guid TokenId,
    Guid MemberId,
    string Name,
    string Role,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt);
