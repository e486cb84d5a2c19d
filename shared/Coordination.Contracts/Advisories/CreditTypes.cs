namespace Coordination.Contracts.Advisories;

/// <summary>The ten credit types, in OSV's spelling.</summary>
public static class CreditTypes
{
    public const string Finder = "FINDER";
    public const string Reporter = "REPORTER";
    public const string Analyst = "ANALYST";
    public const string Coordinator = "COORDINATOR";
    public const string RemediationDeveloper = "REMEDIATION_DEVELOPER";
    public const string RemediationReviewer = "REMEDIATION_REVIEWER";
    public const string RemediationVerifier = "REMEDIATION_VERIFIER";
    public const string Tool = "TOOL";
    public const string Sponsor = "SPONSOR";
    public const string Other = "OTHER";

    public static readonly IReadOnlyList<string> All =
    [
        Finder, Reporter, Analyst, Coordinator, RemediationDeveloper,
        RemediationReviewer, RemediationVerifier, Tool, Sponsor, Other,
    ];
}
