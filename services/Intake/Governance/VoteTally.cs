namespace Intake.Governance;

/// <summary>Counted votes of current members; abstentions make quorum but are not votes cast.</summary>
public sealed record VoteTally(int Yes, int No, int Abstain)
{
    public int Cast => Yes + No;
    public int Voters => Yes + No + Abstain;
}
