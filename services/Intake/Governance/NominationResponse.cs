namespace Intake.Governance;

/// <summary>A nomination as members see it: the tally only after close, and of the votes only the caller's own.</summary>
public sealed record NominationResponse(
    Guid Id,
    string CandidateName,
    string Contact,
    string PublicHandle,
    string Statement,
    Guid NominatedBy,
    DateTimeOffset NominatedAt,
    DateTimeOffset ClosesAt,
    string Status,
    string? MyVote,
    VoteTallyResponse? Tally,
    DateTimeOffset? ClosedAt,
    string? VetoReason,
    Guid? MemberId)
{
    public static NominationResponse From(Nomination n, string? myVote) => new(
        n.Id, n.CandidateName, n.CandidateContact, n.PublicHandle, n.Statement, n.NominatedBy, n.NominatedAt, n.ClosesAt,
        n.Status, myVote,
        n.Status == NominationStatuses.Open ? null : new VoteTallyResponse(n.YesVotes ?? 0, n.NoVotes ?? 0, n.Abstentions ?? 0, n.EligibleMembers ?? 0),
        n.ClosedAt, n.VetoReason, n.MemberId);
}
