namespace Disclosure.Rendering;

/// <summary>
/// CVSS v4.0 vectors are checked for completeness only. Their score needs FIRST's macro-vector lookup table,
/// which is not implemented here, so v4.0 vectors go only where no score is required (OSV severity, a CVE
/// "other" metric, a CSAF note).
/// </summary>
public static class Cvss40
{
    private static readonly Dictionary<string, string[]> Base = new()
    {
        ["AV"] = ["N", "A", "L", "P"], ["AC"] = ["L", "H"], ["AT"] = ["N", "P"], ["PR"] = ["N", "L", "H"],
        ["UI"] = ["N", "P", "A"], ["VC"] = ["H", "L", "N"], ["VI"] = ["H", "L", "N"], ["VA"] = ["H", "L", "N"],
        ["SC"] = ["H", "L", "N"], ["SI"] = ["H", "L", "N"], ["SA"] = ["H", "L", "N"],
    };

    public static bool IsVector(string? vector) => vector is not null && vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal);

    /// <summary>Every base metric present once with a valid value, in any order; other metrics are passed over.</summary>
    public static bool IsComplete(string vector)
    {
        if (!IsVector(vector)) return false;
        var seen = new HashSet<string>();
        foreach (var part in vector["CVSS:4.0/".Length..].Split('/'))
        {
            var kv = part.Split(':');
            if (kv.Length != 2 || kv[1].Length == 0 || !seen.Add(kv[0])) return false;
            if (Base.TryGetValue(kv[0], out var values) && !values.Contains(kv[1])) return false;
        }
        return Base.Keys.All(seen.Contains);
    }
}
