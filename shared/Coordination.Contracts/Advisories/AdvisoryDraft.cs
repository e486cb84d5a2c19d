namespace Coordination.Contracts.Advisories;

/// <summary>What the advisory will say. Travels whole in <see cref="AdvisoryDraftUpdated"/>.</summary>
public sealed record AdvisoryDraft(
    string Title,
    string Summary,
    string Details,
    IReadOnlyList<AffectedPackage> Affected,
    Severity? Severity,
    IReadOnlyList<string> Cwes,
    IReadOnlyList<AdvisoryReference> References,
    string? CveId,
    IReadOnlyList<Credit> Credits,
    string? Remediation = null);
