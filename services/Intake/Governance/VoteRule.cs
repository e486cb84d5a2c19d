namespace Intake.Governance;

/// <summary>Quorum (share of current members who voted) and approval (yes share of yes + no) a vote needs.</summary>
public sealed record VoteRule(double QuorumFraction, int ApprovalNumerator, int ApprovalDenominator)
{
    public static readonly VoteRule Pep811 = new(0.5, 2, 3);
}
