namespace Coordination.Contracts.Members;

public sealed record MemberNominated(Guid NominationId, string CandidateName, string PublicHandle, Guid NominatedBy, DateTimeOffset VoteClosesAt);
