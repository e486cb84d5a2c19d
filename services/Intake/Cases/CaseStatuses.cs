namespace Intake.Cases;

public static class CaseStatuses
{
    public const string Open = "open";
    public const string EmbargoRequested = "embargo-requested";
    public const string WithdrawalRequested = "withdrawal-requested";
}
