using System.Text.RegularExpressions;

namespace Disclosure.Options;

/// <summary>The home-database prefixes the OSV schema accepts (validation/schema.json $defs/prefix), or x_&lt;own&gt;.</summary>
public static partial class OsvIdPrefix
{
    public static readonly IReadOnlyList<string> Registered =
    [
        "PSF", "PYSEC", "GHSA", "OSV", "ASB-A", "PUB-A", "ALPINE", "ALSA", "ALBA", "ALEA", "AZL", "BELL", "BIT", "CGA",
        "CLEANSTART", "CLSA", "CURL", "CVE", "DEBIAN", "DHI", "DRUPAL", "DSA", "DLA", "ELA", "DTSA", "ECHO", "EEF",
        "FreeBSD", "GO", "GSD", "HSEC", "JLSEC", "KUBE", "LBSEC", "LSN", "MAL", "MINI", "MGASA", "OESA", "OSEC",
        "openSUSE-SU", "PHSA", "RHBA", "RHEA", "RHSA", "RLSA", "RXSA", "RSEC", "ROOT", "RUSTSEC", "SUSE-SU", "SUSE-RU",
        "SUSE-FU", "SUSE-OU", "UBUNTU", "USN", "V8",
    ];

    public static bool IsValid(string? prefix) =>
        prefix is not null && (Registered.Contains(prefix, StringComparer.Ordinal) || Private().IsMatch(prefix));

    [GeneratedRegex("^x_[A-Za-z0-9][A-Za-z0-9._-]*\\z")]
    private static partial Regex Private();
}
