namespace Intake.Governance;

/// <summary>What leaving did: tokens revoked everywhere, and the cases that need a new coordinator.</summary>
public sealed record OffboardingResponse(Guid MemberId, DateTimeOffset LeftAt, int TokensRevoked, IReadOnlyList<OpenCase> CasesToReassign);
