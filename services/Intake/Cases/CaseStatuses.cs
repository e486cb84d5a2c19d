namespace Intake.Cases;

public static class CaseStatuses
{
    public const string Open = "open";
    public const string EmbargoRequested = "embargo-requested";
    public const string Embargoed = "embargoed";
    public const string Disclosed = "disclosed";
    public const string Withdrawn = "withdrawn";
    public const string WithdrawalRequested = "withdrawal-requested";
}
