namespace Coordination.Advisories;

/// <summary>
/// CVSS v3.1: the vector's metrics (any order, each once) and the base score and severity per the FIRST specification
/// (section 7.1 and Appendix A's Roundup).
/// </summary>
public static class Cvss31
{
    public const string Prefix = "CVSS:3.1/";

    /// <summary>Base, temporal and environmental metrics with their values, in the order the specification lists them.</summary>
    public static IReadOnlyList<CvssMetric> Metrics { get; } =
    [
        new("AV", ["N", "A", "L", "P"], true), new("AC", ["L", "H"], true), new("PR", ["N", "L", "H"], true),
        new("UI", ["N", "R"], true), new("S", ["U", "C"], true),
        new("C", ["H", "L", "N"], true), new("I", ["H", "L", "N"], true), new("A", ["H", "L", "N"], true),
        new("E", ["X", "U", "P", "F", "H"], false), new("RL", ["X", "O", "T", "W", "U"], false), new("RC", ["X", "U", "R", "C"], false),
        new("CR", ["X", "L", "M", "H"], false), new("IR", ["X", "L", "M", "H"], false), new("AR", ["X", "L", "M", "H"], false),
        new("MAV", ["X", "N", "A", "L", "P"], false), new("MAC", ["X", "L", "H"], false), new("MPR", ["X", "N", "L", "H"], false),
        new("MUI", ["X", "N", "R"], false), new("MS", ["X", "U", "C"], false),
        new("MC", ["X", "N", "L", "H"], false), new("MI", ["X", "N", "L", "H"], false), new("MA", ["X", "N", "L", "H"], false),
    ];

    public static bool IsVector(string? vector) => vector is not null && vector.StartsWith(Prefix, StringComparison.Ordinal);

    /// <returns>null when the vector is a complete, valid 3.1 vector, else the rule broken.</returns>
    public static string? Check(string vector) =>
        IsVector(vector) ? CvssVectorParser.Parse(vector[Prefix.Length..], Metrics, "3.1", ordered: false, out _)
            : $"must start with {Prefix}";

    public static bool TryParse(string? vector, out IReadOnlyDictionary<string, string> metrics)
    {
        metrics = new Dictionary<string, string>();
        if (!IsVector(vector)) return false;
        if (CvssVectorParser.Parse(vector![Prefix.Length..], Metrics, "3.1", ordered: false, out var parsed) is not null) return false;
        metrics = parsed;
        return true;
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
    public static string Severity(decimal score) => CvssSeverity.Of(score);

    // Appendix A: avoids floating-point artefacts such as 4.000000001 rounding up to 4.1.
    private static decimal Roundup(double value)
    {
        var i = (long)Math.Round(value * 100000);
        return i % 10000 == 0 ? i / 100000m : (Math.Floor(i / 10000m) + 1) / 10m;
    }
}
