using Coordination.Contracts.Advisories;

namespace DownstreamNotifier.WarmUp;

/// <summary>The made-up advisory of the warm-up's notices: one package that no registered project should depend on.</summary>
public static class WarmUpDraft
{
    public static readonly AdvisoryDraft Value = new("Warm-up", "Not an advisory: composed at startup and thrown away.", "Details.",
        [new AffectedPackage("PyPI", "coordination-warm-up", "pkg:pypi/coordination-warm-up",
            [new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "1.0")])])],
        null, [], [], null, [], "Upgrade to 1.0");
}
