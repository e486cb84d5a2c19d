namespace Intake.Governance;

public static class VoteChoices
{
    public const string Yes = "yes";
    public const string No = "no";
    public const string Abstain = "abstain";

    public static readonly IReadOnlyList<string> All = [Yes, No, Abstain];
}
