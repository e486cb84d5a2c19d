namespace Intake.Governance;

/// <summary>
/// PEP 811's counting rule, pure: accepted when a quorum of the current members voted (abstaining counts as
/// having voted) and at least ApprovalNumerator/ApprovalDenominator of the votes cast (yes + no) are yes.
/// Integer arithmetic, so 6 yes / 3 no is exactly two thirds and passes.
/// </summary>
public static class VoteCount
{
    public static VoteDecision Decide(VoteTally tally, int currentMembers, VoteRule rule)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(currentMembers);
        var quorumRequired = QuorumRequired(currentMembers, rule.QuorumFraction);
        var quorumMet = tally.Voters >= quorumRequired && tally.Voters > 0;
        var approvalMet = tally.Cast > 0 && (long)tally.Yes * rule.ApprovalDenominator >= (long)tally.Cast * rule.ApprovalNumerator;
        return new VoteDecision(quorumMet && approvalMet, quorumMet, quorumRequired, approvalMet);
    }

    /// <summary>At least the fraction of members, rounded up ("half of 9" is 5).</summary>
    public static int QuorumRequired(int currentMembers, double fraction) =>
        (int)Math.Ceiling(Math.Round(currentMembers * fraction, 9));
}
