using System.Text.RegularExpressions;

namespace Coordination.Advisories;

/// <summary>PEP 503 name normalisation: lowercase, runs of '-', '_' and '.' become one '-'.
///</summary>
public static partial class Pep503
{
    public static string Normalize(string name) => Separators().Replace(name, "-").ToLowerInvariant();

    public static bool IsNormalized(string name) => Normalize(name) == name;

    /// <summary>A valid distribution name per PEP 508 (letters, digits, '.', '_', '-', alphanumeric at both ends).</summary>
    public static bool IsValidName(string name) => ValidName().IsMatch(name);

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Separators();

    [GeneratedRegex("^([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9])\\z")]
    private static partial Regex ValidName();
}
