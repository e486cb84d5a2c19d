namespace Coordination.Contracts.Members;

/// <summary>
/// Every revocation intake holds, published again so a service that missed a <see cref="MemberAccessRevoked"/> (its
/// queue did not exist yet: deployed later, a rebuilt broker) catches up: in answer to
/// <see cref="MemberAccessRevocationsRequested"/>, which each service publishes as it starts, and every few minutes.
/// </summary>
public sealed record MemberAccessRevocations(IReadOnlyList<RevokedToken> Tokens, IReadOnlyList<RevokedMember> Members, DateTimeOffset AsOf);

public sealed record RevokedToken(Guid TokenId, DateTimeOffset RevokedAt);

/// <summary>All of the member's tokens issued up to RevokedAt.</summary>
public sealed record RevokedMember(Guid MemberId, DateTimeOffset RevokedAt);

/// <summary>A service started: intake answers with <see cref="MemberAccessRevocations"/>.</summary>
public sealed record MemberAccessRevocationsRequested(string Service, DateTimeOffset RequestedAt);
