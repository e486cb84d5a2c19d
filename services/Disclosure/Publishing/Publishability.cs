using Coordination.Contracts.Advisories;

namespace Disclosure.Publishing;

/// <summary>
/// What a draft needs before it can go public. CVE 5 (affected, minItems 1) and a CSAF security advisory (a product
/// tree with at least one product) must name an affected product, and the draft is the only source of one: rather
/// than publish a record that says "n/a", publication waits for a revision that names a package.
/// </summary>
public static class Publishability
{
    public const string NoAffectedPackage = "the draft names no affected package; CVE and CSAF records need at least one";

    /// <returns>Why the draft cannot be published, or null when it can.</returns>
    public static string? Refusal(AdvisoryDraft draft) => draft.Affected.Count == 0 ? NoAffectedPackage : null;
}
