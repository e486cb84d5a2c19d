namespace Disclosure.Rendering;

/// <summary>
/// CVSS v3.1 base score and severity computed from a vector, per the FIRST specification (section 7.1 and
/// Appendix A's Roundup). A vector missing a base metric, repeating one, or with an unknown value is refused.
/// </summary>
public static class Cvss31
{
    private static readonly string[] BaseMetrics = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["AV"] = ["N", "A", "L", "P"], ["AC"] = ["L", "H"], ["PR"] = ["N", "L", "H"], ["UI"] = ["N", "R"],
        ["S"] = ["U", "C"], ["C"] = ["H", "L", "N"], ["I"] = ["H", "L", "N"], ["A"] = ["H", "L", "N"],
        ["E"] = ["X", "U", "P", "F", "H"], ["RL"] = ["X", "O", "T", "W", "U"], ["RC"] = ["X", "U", "R", "C"],
        ["CR"] = ["X", "L", "M", "H"], ["IR"] = ["X", "L", "M", "H"], ["AR"] = ["X", "L", "M", "H"],
        ["MAV"] = ["X", "N", "A", "L", "P"], ["MAC"] = ["X", "L", "H"], ["MPR"] = ["X", "N", "L", "H"],
        ["MUI"] = ["X", "N", "R"], ["MS"] = ["X", "U", "C"], ["MC"] = ["X", "H", "L", "N"],
        ["MI"] = ["X", "H", "L", "N"], ["MA"] = ["X", "H", "L", "N"],
    };

    public static bool IsVector(string? vector) => vector is not null && vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal);

    public static bool TryParse(string vector, out IReadOnlyDictionary<string, string> metrics)
    {
        var result = new Dictionary<string, string>();
        metrics = result;
        if (!IsVector(vector)) return false;
        foreach (var part in vector["CVSS:3.1/".Length..].Split('/'))
        {
            var kv = part.Split(':');
            if (kv.Length != 2 || !Allowed.TryGetValue(kv[0], out var values) || !values.Contains(kv[1]) || !result.TryAdd(kv[0], kv[1]))
                return false;
        }
        return BaseMetrics.All(result.ContainsKey);
    }

    /// <exception cref="FormatException">the vector is not a complete, valid CVSS 3.1 vector.</exception>
    public static decimal BaseScore(string vector)
    {
        if (!TryParse(vector, out var m)) throw new FormatException("not a complete CVSS 3.1 vector");
        var changed = m["S"] == "C";
        double av = m["AV"] switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, _ => 0.2 };
        double ac = m["AC"] == "L" ? 0.77 : 0.44;
        double pr = m["PR"] switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, _ => changed ? 0.5 : 0.27 };
        double ui = m["UI"] == "N" ? 0.85 : 0.62;
        static double Cia(string v) => v switch { "H" => 0.56, "L" => 0.22, _ => 0 };
        var iss = 1 - (1 - Cia(m["C"])) * (1 - Cia(m["I"])) * (1 - Cia(m["A"]));
        var impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.Pow(iss - 0.02, 15) : 6.42 * iss;
        var exploitability = 8.22 * av * ac * pr * ui;
        if (impact <= 0) return 0m;
        return Roundup(changed ? Math.Min(1.08 * (impact + exploitability), 10) : Math.Min(impact + exploitability, 10));
    }

    /// <summary>The qualitative rating (NONE, LOW, MEDIUM, HIGH, CRITICAL) as CVE and CSAF spell it.</summary>
    public static string Severity(decimal score) => score switch
    {
        0m => "NONE",
        < 4.0m => "LOW",
        < 7.0m => "MEDIUM",
        < 9.0m => "HIGH",
        _ => "CRITICAL",
    };

    // Appendix A: avoids floating-point artefacts such as 4.000000001 rounding up to 4.1.
    private static decimal Roundup(double value)
    {
        var i = (long)Math.Round(value * 100000);
        return i % 10000 == 0 ? i / 100000m : (Math.Floor(i / 10000m) + 1) / 10m;
    }
}
