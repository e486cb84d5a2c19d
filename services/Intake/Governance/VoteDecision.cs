namespace Intake.Governance;

/// <summary>The outcome of <see cref="VoteCount.Decide"/> with the reasons that led to it.</summary>
public sealed record VoteDecision(bool Accepted, bool QuorumMet, int QuorumRequired, bool ApprovalMet)
{
    public string Result => Accepted ? NominationStatuses.Accepted : NominationStatuses.Rejected;
}
