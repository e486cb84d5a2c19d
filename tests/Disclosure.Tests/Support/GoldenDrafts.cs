using Coordination.Contracts.Advisories;
using Disclosure.Rendering;

namespace Disclosure.Tests.Support;

/// <summary>Golden inputs: drafts covering what the renderers must handle.</summary>
public static class GoldenDrafts
{
    public const string IntroducedCommit = "6a1e0a4b2f7c9d3e8b5a0f1c2d4e6a8b9c0d1e2f";
    public const string FixedCommit = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";

    /// <summary>Two ecosystems, three packages, ECOSYSTEM/SEMVER/GIT ranges, CVSS 3.1, a CVE id, every credit type.</summary>
    public static AdvisoryDraft MultiPackage => new(
        Title: "Header injection in examplelib's redirect handling",
        Summary: "examplelib forwards Proxy-Authorization headers to redirect targets.",
        Details: "When following a redirect to another host, examplelib kept the Proxy-Authorization header, leaking proxy credentials.",
        Affected:
        [
            new("PyPI", "examplelib", "pkg:pypi/examplelib",
            [
                new("ECOSYSTEM", [new(Introduced: "2.3.0"), new(Fixed: "2.31.0")]),
                new("GIT", [new(Introduced: IntroducedCommit), new(Fixed: FixedCommit)], "https://github.com/example/examplelib"),
            ]),
            new("PyPI", "examplelib-compat", "pkg:pypi/examplelib-compat", [new("ECOSYSTEM", [new(Introduced: "0"), new(Fixed: "1.0.5")])]),
            new("npm", "examplelib-js", "pkg:npm/examplelib-js", [new("SEMVER", [new(Introduced: "1.0.0"), new(Fixed: "1.4.2")])]),
        ],
        Severity: new("Medium", "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:N/A:N"),
        Cwes: ["CWE-200", "CWE-113"],
        References:
        [
            new("FIX", "https://github.com/example/examplelib/commit/" + FixedCommit),
            new("WEB", "https://example.org/blog/examplelib-proxy-leak"),
            new("REPORT", "https://github.com/example/examplelib/issues/6440"),
        ],
        CveId: "CVE-2026-32681",
        Credits:
        [
            new("Ada Finder", [CreditTypes.Finder, CreditTypes.Reporter], "ada@example.org"),
            new("Ben Analyst", [CreditTypes.Analyst]),
            new("Cleo Coordinator", [CreditTypes.Coordinator], "https://example.org/cleo"),
            new("Dev Remediator", [CreditTypes.RemediationDeveloper, CreditTypes.RemediationReviewer]),
            new("Vera Verifier", [CreditTypes.RemediationVerifier]),
            new("fuzzbot", [CreditTypes.Tool]),
            new("Example Foundation", [CreditTypes.Sponsor]),
            new("Olly Other", [CreditTypes.Other]),
        ],
        Remediation: "Upgrade examplelib to 2.31.0, examplelib-compat to 1.0.5 and examplelib-js to 1.4.2.");

    /// <summary>No CVE id, CVSS 4.0, last_affected (no fix), explicit versions, crates.io.</summary>
    public static AdvisoryDraft NoCveCvss4 => new(
        Title: "Unbounded recursion in exampleparse",
        Summary: "A crafted document makes exampleparse recurse without limit.",
        Details: "Deeply nested arrays exhaust the stack.",
        Affected:
        [
            new("crates.io", "exampleparse", "pkg:cargo/exampleparse",
                [new("SEMVER", [new(Introduced: "0.1.0"), new(LastAffected: "0.9.3")])], ["0.9.2", "0.9.3"]),
        ],
        Severity: new("High", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N"),
        Cwes: ["CWE-674"],
        References: [new("ADVISORY", "https://example.org/advisories/exampleparse")],
        CveId: null,
        Credits: [new("Rita Reporter", [CreditTypes.Reporter], "https://rita.example")]);

    /// <summary>The least a draft can say: one package, no severity, no credits, no CWE, no references.</summary>
    public static AdvisoryDraft Minimal => new(
        Title: "Path traversal in examplezip",
        Summary: "examplezip extracts entries outside the target folder.",
        Details: "Entry names with ../ are not checked.",
        Affected: [new("PyPI", "examplezip", "pkg:pypi/examplezip", [new("ECOSYSTEM", [new(Introduced: "0"), new(Fixed: "3.1.4")])])],
        Severity: null,
        Cwes: [],
        References: [],
        CveId: "CVE-2026-0001",
        Credits: []);

    public static TheoryData<string> Names => new() { nameof(MultiPackage), nameof(NoCveCvss4), nameof(Minimal) };

    public static AdvisoryDraft Get(string name) => name switch
    {
        nameof(MultiPackage) => MultiPackage,
        nameof(NoCveCvss4) => NoCveCvss4,
        _ => Minimal,
    };

    public static readonly DateTimeOffset Published = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    public static PublicationMetadata Public(int version = 1, DateTimeOffset? withdrawn = null) => new(
        "x_COORD-2026-7", version, Published, Published.AddDays(version - 1),
        Enumerable.Range(1, version).Select(v => new RevisionEntry(v, Published.AddDays(v - 1), v == 1 ? "Initial public release" : $"Update {v}")).ToList(),
        IsPublic: true, "https://advisories.example.org", Guid.Parse("7d9b4a3c-2f1e-4d5c-8b6a-9e0f1a2b3c4d"), "EXAMPLE",
        "Example Security Response Team", "https://example.org", "coordinator", withdrawn, withdrawn is null ? null : "Duplicate of another advisory");

    public static PublicationMetadata Preview => Public() with
    {
        AdvisoryId = "x_COORD-PREVIEW-0123456789abcdef0123456789abcdef",
        IsPublic = false,
        History = [new RevisionEntry(1, Published, "Embargoed preview")],
    };
}
