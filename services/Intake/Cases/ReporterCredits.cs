using Coordination.Contracts.Advisories;
using Intake.Reports;

namespace Intake.Cases;

/// <summary>
/// The credit a reporter asked for in the report, carried into the case's draft so nobody has to copy it by hand:
/// the name they gave (or their reporter name), the types they chose (REPORTER when none). Not their e-mail: a credit's
/// contact is published with the advisory, and a reporter who asked to be credited under a name did not offer their
/// address for publication (a member adds a contact the reporter gives).
/// </summary>
public static class ReporterCredits
{
    public static IReadOnlyList<Credit> Wished(IEnumerable<Report> reports) =>
        reports.Where(r => r.CreditWanted)
            .Select(r => (Name: (string.IsNullOrWhiteSpace(r.CreditName) ? r.ReporterName : r.CreditName)?.Trim(), r))
            .Where(x => !string.IsNullOrEmpty(x.Name))
            .Select(x => new Credit(x.Name!, Canonical(x.r.CreditTypes)))
            .ToList();

    /// <summary>The draft with every wished credit, as a member's crediting adds it (a name credited already gains the
    /// types it lacks in its one entry: Credits.With), or null when nothing is new.</summary>
    public static AdvisoryDraft? AddTo(AdvisoryDraft draft, IEnumerable<Report> reports)
    {
        var credits = draft.Credits;
        var changed = false;
        foreach (var credit in Wished(reports))
            if (Credits.With(credits, credit) is { } more) (credits, changed) = (more, true);
        return changed ? draft with { Credits = credits } : null;
    }

    private static IReadOnlyList<string> Canonical(string[] types)
    {
        var known = types.Select(t => CreditTypes.All.FirstOrDefault(k => k.Equals(t.Trim(), StringComparison.OrdinalIgnoreCase)))
            .OfType<string>().Distinct().ToList();
        return known.Count > 0 ? known : [CreditTypes.Reporter];
    }
}
