namespace Coordination.Advisories;

/// <summary>
/// CVSS v4.0: the vector's metrics (in the specified order, each once) and the "CVSS v4.0 score" of FIRST's
/// specification (section 8): the vector's macro-vector (equivalence classes EQ1..EQ6) gives a score from the
/// published table, lowered by the mean proportional severity distance of the vector from the highest-severity
/// vectors of its macro-vector. Threat (E) and environmental (CR/IR/AR, M*) metrics are used when given, so the
/// result is CVSS-B, -BT, -BE or -BTE according to the vector; supplemental metrics never change it.
/// </summary>
public static class Cvss40
{
    public const string Prefix = "CVSS:4.0/";

    /// <summary>Every metric with its values, in the order the specification requires them in a vector.</summary>
    public static IReadOnlyList<CvssMetric> Metrics { get; } =
    [
        new("AV", ["N", "A", "L", "P"], true), new("AC", ["L", "H"], true), new("AT", ["N", "P"], true),
        new("PR", ["N", "L", "H"], true), new("UI", ["N", "P", "A"], true),
        new("VC", ["H", "L", "N"], true), new("VI", ["H", "L", "N"], true), new("VA", ["H", "L", "N"], true),
        new("SC", ["H", "L", "N"], true), new("SI", ["H", "L", "N"], true), new("SA", ["H", "L", "N"], true),
        new("E", ["X", "A", "P", "U"], false),
        new("CR", ["X", "H", "M", "L"], false), new("IR", ["X", "H", "M", "L"], false), new("AR", ["X", "H", "M", "L"], false),
        new("MAV", ["X", "N", "A", "L", "P"], false), new("MAC", ["X", "L", "H"], false), new("MAT", ["X", "N", "P"], false),
        new("MPR", ["X", "N", "L", "H"], false), new("MUI", ["X", "N", "P", "A"], false),
        new("MVC", ["X", "H", "L", "N"], false), new("MVI", ["X", "H", "L", "N"], false), new("MVA", ["X", "H", "L", "N"], false),
        new("MSC", ["X", "H", "L", "N"], false), new("MSI", ["X", "S", "H", "L", "N"], false), new("MSA", ["X", "S", "H", "L", "N"], false),
        new("S", ["X", "N", "P"], false), new("AU", ["X", "N", "Y"], false), new("R", ["X", "A", "U", "I"], false),
        new("V", ["X", "D", "C"], false), new("RE", ["X", "L", "M", "H"], false), new("U", ["X", "Clear", "Green", "Amber", "Red"], false),
    ];

    // Severity level of each value in steps of 0.1, 0 being the most severe (the reference calculator's METRIC_LEVELS).
    private static readonly Dictionary<string, Dictionary<string, int>> Levels = new()
    {
        ["AV"] = new() { ["N"] = 0, ["A"] = 1, ["L"] = 2, ["P"] = 3 },
        ["PR"] = new() { ["N"] = 0, ["L"] = 1, ["H"] = 2 },
        ["UI"] = new() { ["N"] = 0, ["P"] = 1, ["A"] = 2 },
        ["AC"] = new() { ["L"] = 0, ["H"] = 1 },
        ["AT"] = new() { ["N"] = 0, ["P"] = 1 },
        ["VC"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["VI"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["VA"] = new() { ["H"] = 0, ["L"] = 1, ["N"] = 2 },
        ["SC"] = new() { ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["SI"] = new() { ["S"] = 0, ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["SA"] = new() { ["S"] = 0, ["H"] = 1, ["L"] = 2, ["N"] = 3 },
        ["CR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
        ["IR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
        ["AR"] = new() { ["H"] = 0, ["M"] = 1, ["L"] = 2 },
        ["E"] = new() { ["A"] = 0, ["P"] = 1, ["U"] = 2 },
    };

    public static bool IsVector(string? vector) => vector is not null && vector.StartsWith(Prefix, StringComparison.Ordinal);

    /// <returns>null when the vector is a complete, valid 4.0 vector, else the rule broken.</returns>
    public static string? Check(string vector) =>
        IsVector(vector) ? CvssVectorParser.Parse(vector[Prefix.Length..], Metrics, "4.0", ordered: true, out _)
            : $"must start with {Prefix}";

    public static bool TryParse(string? vector, out IReadOnlyDictionary<string, string> metrics)
    {
        metrics = new Dictionary<string, string>();
        if (!IsVector(vector)) return false;
        if (CvssVectorParser.Parse(vector![Prefix.Length..], Metrics, "4.0", ordered: true, out var parsed) is not null) return false;
        metrics = parsed;
        return true;
    }

    /// <summary>Every base metric present once with a valid value, and every other metric valid and in order.</summary>
    public static bool IsComplete(string vector) => TryParse(vector, out _);

    /// <summary>The qualitative rating (NONE, LOW, MEDIUM, HIGH, CRITICAL) as CVE records spell it.</summary>
    public static string Severity(decimal score) => CvssSeverity.Of(score);

    /// <summary>The CVSS-B score: the vector's base metrics alone, whatever threat or environmental metrics it carries
    /// (what a CVE record's cvssV4_0.baseScore holds).</summary>
    /// <exception cref="FormatException">the vector is not a complete, valid CVSS 4.0 vector.</exception>
    public static decimal BaseScore(string vector)
    {
        if (!TryParse(vector, out var given)) throw new FormatException("not a complete CVSS 4.0 vector");
        return Score(Prefix + string.Join('/', Metrics.Where(m => m.Mandatory).Select(m => $"{m.Name}:{given[m.Name]}")));
    }

    /// <summary>The macro-vector: the six EQ levels as digits, e.g. "000000" for the most severe.</summary>
    /// <exception cref="FormatException">the vector is not a complete, valid CVSS 4.0 vector.</exception>
    public static string MacroVector(string vector) => MacroVector(Effective(vector));

    /// <summary>The CVSS v4.0 score, rounded to one decimal.</summary>
    /// <exception cref="FormatException">the vector is not a complete, valid CVSS 4.0 vector.</exception>
    public static decimal Score(string vector)
    {
        var m = Effective(vector);
        if (m["VC"] == "N" && m["VI"] == "N" && m["VA"] == "N" && m["SC"] == "N" && m["SI"] == "N" && m["SA"] == "N") return 0m;

        var macro = MacroVector(m);
        int eq1 = macro[0] - '0', eq2 = macro[1] - '0', eq3 = macro[2] - '0', eq4 = macro[3] - '0', eq5 = macro[4] - '0', eq6 = macro[5] - '0';
        var value = Cvss40MacroVectors.Scores[macro];

        // The score one step less severe along each EQ (absent at the bottom of a class). EQ3 and EQ6 move together:
        // from 00 both 01 and 10 are next, and the higher of the two counts.
        double? Lower(int d1, int d2, int d3, int d4, int d5, int d6) =>
            Cvss40MacroVectors.Scores.TryGetValue($"{eq1 + d1}{eq2 + d2}{eq3 + d3}{eq4 + d4}{eq5 + d5}{eq6 + d6}", out var s) ? s : null;
        var lowerEq1 = Lower(1, 0, 0, 0, 0, 0);
        var lowerEq2 = Lower(0, 1, 0, 0, 0, 0);
        var lowerEq3Eq6 = (eq3, eq6) switch
        {
            (0, 0) => Max(Lower(0, 0, 0, 0, 0, 1), Lower(0, 0, 1, 0, 0, 0)),
            (1, 0) => Lower(0, 0, 0, 0, 0, 1),
            (0, 1) or (1, 1) => Lower(0, 0, 1, 0, 0, 0),
            _ => Lower(0, 0, 1, 0, 0, 1),
        };
        var lowerEq4 = Lower(0, 0, 0, 1, 0, 0);
        var lowerEq5 = Lower(0, 0, 0, 0, 1, 0);

        // The first of the macro-vector's highest-severity vectors that is at least as severe as this one in every
        // metric gives the severity distances.
        var distances = new Dictionary<string, int>();
        foreach (var max in HighestSeverityVectors(eq1, eq2, eq3, eq4, eq5, eq6))
        {
            distances = Levels.Keys.ToDictionary(k => k, k => Levels[k][m[k]] - Levels[k][max[k]]);
            if (distances.Values.All(d => d >= 0)) break;
        }

        var parts = new List<double>();
        void Add(double? lower, int distance, int depth)
        {
            if (lower is { } l) parts.Add((value - l) * ((double)distance / depth));
        }
        Add(lowerEq1, distances["AV"] + distances["PR"] + distances["UI"], Cvss40MacroVectors.Eq1Depth[eq1]);
        Add(lowerEq2, distances["AC"] + distances["AT"], Cvss40MacroVectors.Eq2Depth[eq2]);
        Add(lowerEq3Eq6, distances["VC"] + distances["VI"] + distances["VA"] + distances["CR"] + distances["IR"] + distances["AR"],
            Cvss40MacroVectors.Eq3Eq6Depth[eq3][eq6]);
        Add(lowerEq4, distances["SC"] + distances["SI"] + distances["SA"], Cvss40MacroVectors.Eq4Depth[eq4]);
        // EQ5 has a single value per level: its proportional distance is always 0, but it counts in the mean.
        Add(lowerEq5, 0, 1);

        var mean = parts.Count == 0 ? 0 : parts.Sum() / parts.Count;
        return RoundToOneDecimal(Math.Clamp(value - mean, 0, 10));
    }

    // Round half up; the small epsilon keeps e.g. 8.6 - 7.15 = 1.4499999999999993 from rounding down (as the
    // reference calculator does).
    private static decimal RoundToOneDecimal(double value) =>
        Math.Round((decimal)Math.Floor((value + 1e-6) * 10 + 0.5) / 10m, 1);

    private static double? Max(double? a, double? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    /// <summary>The value each scored metric takes: a modified metric other than X replaces its base metric; an
    /// absent or X threat metric counts as E:A and an absent or X requirement as H (the worst case).</summary>
    private static Dictionary<string, string> Effective(string vector)
    {
        if (!TryParse(vector, out var given)) throw new FormatException("not a complete CVSS 4.0 vector");
        string Value(string metric) => given.TryGetValue(metric, out var v) ? v : "X";
        var effective = new Dictionary<string, string>();
        foreach (var metric in new[] { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" })
            effective[metric] = Value("M" + metric) is var modified and not "X" ? modified : Value(metric);
        effective["E"] = Value("E") is var e and not "X" ? e : "A";
        foreach (var requirement in new[] { "CR", "IR", "AR" })
            effective[requirement] = Value(requirement) is var r and not "X" ? r : "H";
        return effective;
    }

    private static string MacroVector(Dictionary<string, string> m)
    {
        var (av, pr, ui) = (m["AV"], m["PR"], m["UI"]);
        var eq1 = av == "N" && pr == "N" && ui == "N" ? 0
            : (av == "N" || pr == "N" || ui == "N") && av != "P" ? 1
            : 2;
        var eq2 = m["AC"] == "L" && m["AT"] == "N" ? 0 : 1;
        var (vc, vi, va) = (m["VC"], m["VI"], m["VA"]);
        var eq3 = vc == "H" && vi == "H" ? 0 : vc == "H" || vi == "H" || va == "H" ? 1 : 2;
        var eq4 = m["SI"] == "S" || m["SA"] == "S" ? 0 : m["SC"] == "H" || m["SI"] == "H" || m["SA"] == "H" ? 1 : 2;
        var eq5 = m["E"] switch { "A" => 0, "P" => 1, _ => 2 };
        var eq6 = (m["CR"] == "H" && vc == "H") || (m["IR"] == "H" && vi == "H") || (m["AR"] == "H" && va == "H") ? 0 : 1;
        return $"{eq1}{eq2}{eq3}{eq4}{eq5}{eq6}";
    }

    private static IEnumerable<Dictionary<string, string>> HighestSeverityVectors(int eq1, int eq2, int eq3, int eq4, int eq5, int eq6)
    {
        foreach (var a in Cvss40MacroVectors.Eq1Max[eq1])
        foreach (var b in Cvss40MacroVectors.Eq2Max[eq2])
        foreach (var c in Cvss40MacroVectors.Eq3Eq6Max[eq3][eq6]!)
        foreach (var d in Cvss40MacroVectors.Eq4Max[eq4])
        foreach (var e in Cvss40MacroVectors.Eq5Max[eq5])
            yield return string.Join('/', a, b, c, d, e).Split('/').Select(p => p.Split(':')).ToDictionary(p => p[0], p => p[1]);
    }
}
