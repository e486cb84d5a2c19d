namespace Intake.Validation;

/// <summary>OSV's ecosystem names (osv-schema 1.7 ecosystemName) and the purl type each maps to, where one exists.</summary>
public static class OsvEcosystems
{
    public static readonly IReadOnlyList<string> Names =
    [
        "AlmaLinux", "Alpaquita", "Alpine", "Android", "Azure Linux", "BellSoft Hardened Containers", "Bioconductor", "Bitnami",
        "Chainguard", "CleanStart", "ConanCenter", "CRAN", "crates.io", "Debian", "Docker Hardened Images", "Echo", "FreeBSD",
        "GHC", "GitHub Actions", "Go", "Hackage", "Hex", "Julia", "Kubernetes", "Linux", "Mageia", "Maven", "MinimOS", "npm",
        "NuGet", "opam", "openEuler", "openSUSE", "OSS-Fuzz", "Packagist", "Photon OS", "Pub", "PyPI", "Red Hat", "Rocky Linux",
        "Root", "RubyGems", "SUSE", "SwiftURL", "TuxCare", "Ubuntu", "VSCode", "Wolfi", "GIT",
    ];

    private static readonly Dictionary<string, string> PurlTypes = new()
    {
        ["PyPI"] = "pypi", ["npm"] = "npm", ["crates.io"] = "cargo", ["Go"] = "golang", ["Maven"] = "maven",
        ["NuGet"] = "nuget", ["RubyGems"] = "gem", ["Packagist"] = "composer", ["Debian"] = "deb", ["Ubuntu"] = "deb",
        ["Alpine"] = "apk", ["Hex"] = "hex", ["Pub"] = "pub", ["Hackage"] = "hackage", ["CRAN"] = "cran",
        ["SwiftURL"] = "swift", ["GitHub Actions"] = "github", ["ConanCenter"] = "conan", ["Bioconductor"] = "bioconductor",
        ["Red Hat"] = "rpm", ["Rocky Linux"] = "rpm", ["AlmaLinux"] = "rpm", ["openSUSE"] = "rpm", ["SUSE"] = "rpm",
    };

    /// <summary>The base name of "Debian:12" is "Debian"; null when the base is not an OSV ecosystem.</summary>
    public static string? Base(string? ecosystem)
    {
        if (string.IsNullOrEmpty(ecosystem)) return null;
        var colon = ecosystem.IndexOf(':');
        var name = colon < 0 ? ecosystem : ecosystem[..colon];
        if (colon >= 0 && colon == ecosystem.Length - 1) return null;
        return Names.Contains(name, StringComparer.Ordinal) ? name : null;
    }

    public static string? PurlType(string baseEcosystem) => PurlTypes.GetValueOrDefault(baseEcosystem);
}
