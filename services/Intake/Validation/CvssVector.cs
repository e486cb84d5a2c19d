namespace Intake.Validation;

/// <summary>
/// Checks a complete CVSS v3.1 or v4.0 vector: the version prefix, every mandatory base metric, only defined metrics
/// with defined values, no metric twice, and (v4.0, whose specification requires it) the specified order.
/// </summary>
public static class CvssVector
{
    private static readonly (string Metric, string Values, bool Mandatory)[] V31 =
    [
        ("AV", "NALP", true), ("AC", "LH", true), ("PR", "NLH", true), ("UI", "NR", true), ("S", "UC", true),
        ("C", "HLN", true), ("I", "HLN", true), ("A", "HLN", true),
        ("E", "XUPFH", false), ("RL", "XOTWU", false), ("RC", "XURC", false),
        ("CR", "XLMH", false), ("IR", "XLMH", false), ("AR", "XLMH", false),
        ("MAV", "XNALP", false), ("MAC", "XLH", false), ("MPR", "XNLH", false), ("MUI", "XNR", false), ("MS", "XUC", false),
        ("MC", "XNLH", false), ("MI", "XNLH", false), ("MA", "XNLH", false),
    ];

    private static readonly (string Metric, string[] Values, bool Mandatory)[] V40 =
    [
        ("AV", ["N", "A", "L", "P"], true), ("AC", ["L", "H"], true), ("AT", ["N", "P"], true), ("PR", ["N", "L", "H"], true),
        ("UI", ["N", "P", "A"], true), ("VC", ["H", "L", "N"], true), ("VI", ["H", "L", "N"], true), ("VA", ["H", "L", "N"], true),
        ("SC", ["H", "L", "N"], true), ("SI", ["H", "L", "N"], true), ("SA", ["H", "L", "N"], true),
        ("E", ["X", "A", "P", "U"], false),
        ("CR", ["X", "H", "M", "L"], false), ("IR", ["X", "H", "M", "L"], false), ("AR", ["X", "H", "M", "L"], false),
        ("MAV", ["X", "N", "A", "L", "P"], false), ("MAC", ["X", "L", "H"], false), ("MAT", ["X", "N", "P"], false),
        ("MPR", ["X", "N", "L", "H"], false), ("MUI", ["X", "N", "P", "A"], false),
        ("MVC", ["X", "H", "L", "N"], false), ("MVI", ["X", "H", "L", "N"], false), ("MVA", ["X", "H", "L", "N"], false),
        ("MSC", ["X", "H", "L", "N"], false), ("MSI", ["X", "S", "H", "L", "N"], false), ("MSA", ["X", "S", "H", "L", "N"], false),
        ("S", ["X", "N", "P"], false), ("AU", ["X", "N", "Y"], false), ("R", ["X", "A", "U", "I"], false),
        ("V", ["X", "D", "C"], false), ("RE", ["X", "L", "M", "H"], false), ("U", ["X", "Clear", "Green", "Amber", "Red"], false),
    ];

    /// <returns>null when valid, else the rule broken.</returns>
    public static string? Check(string? vector)
    {
        if (string.IsNullOrEmpty(vector)) return "is required";
        if (vector.StartsWith("CVSS:3.1/", StringComparison.Ordinal))
            return CheckMetrics(vector["CVSS:3.1/".Length..], V31.Select(m => (m.Metric, m.Values.Select(c => c.ToString()).ToArray(), m.Mandatory)).ToArray(), "3.1", ordered: false);
        if (vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal))
            return CheckMetrics(vector["CVSS:4.0/".Length..], V40, "4.0", ordered: true);
        return "must start with CVSS:3.1/ or CVSS:4.0/";
    }

    /// <summary>"CVSS_V3" or "CVSS_V4" (OSV severity type) for a valid vector.</summary>
    public static string OsvType(string vector) => vector.StartsWith("CVSS:4.0/", StringComparison.Ordinal) ? "CVSS_V4" : "CVSS_V3";

    private static string? CheckMetrics(string body, (string Metric, string[] Values, bool Mandatory)[] spec, string version, bool ordered)
    {
        var seen = new HashSet<string>();
        var lastIndex = -1;
        foreach (var part in body.Split('/'))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0) return $"'{part}' is not METRIC:VALUE";
            var metric = part[..colon];
            var value = part[(colon + 1)..];
            var index = Array.FindIndex(spec, m => m.Metric == metric);
            if (index < 0) return $"'{metric}' is not a CVSS {version} metric";
            if (!seen.Add(metric)) return $"metric '{metric}' appears twice";
            if (!spec[index].Values.Contains(value)) return $"'{value}' is not a valid value of {metric} (allowed: {string.Join(", ", spec[index].Values)})";
            if (ordered && index < lastIndex) return $"metric '{metric}' is out of the order CVSS {version} requires";
            lastIndex = index;
        }
        var missing = spec.Where(m => m.Mandatory && !seen.Contains(m.Metric)).Select(m => m.Metric).ToList();
        return missing.Count > 0 ? $"misses mandatory CVSS {version} metric(s): {string.Join(", ", missing)}" : null;
    }
}
