namespace Coordination.Advisories;

/// <summary>The one METRIC:VALUE parser behind every CVSS version: defined metrics with defined values, none twice,
/// every mandatory one present, and, where the version requires it, in the specified order.</summary>
internal static class CvssVectorParser
{
    /// <returns>null and the metrics when valid, else the rule broken (the text intake shows to the submitter).</returns>
    public static string? Parse(string body, IReadOnlyList<CvssMetric> spec, string version, bool ordered,
        out Dictionary<string, string> metrics)
    {
        metrics = new Dictionary<string, string>(StringComparer.Ordinal);
        var lastIndex = -1;
        foreach (var part in body.Split('/'))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0) return $"'{part}' is not METRIC:VALUE";
            var metric = part[..colon];
            var value = part[(colon + 1)..];
            var index = IndexOf(spec, metric);
            if (index < 0) return $"'{metric}' is not a CVSS {version} metric";
            if (!metrics.TryAdd(metric, value)) return $"metric '{metric}' appears twice";
            if (!spec[index].Values.Contains(value))
                return $"'{value}' is not a valid value of {metric} (allowed: {string.Join(", ", spec[index].Values)})";
            if (ordered && index < lastIndex) return $"metric '{metric}' is out of the order CVSS {version} requires";
            lastIndex = index;
        }
        var seen = metrics;
        var missing = spec.Where(m => m.Mandatory && !seen.ContainsKey(m.Name)).Select(m => m.Name).ToList();
        return missing.Count > 0 ? $"misses mandatory CVSS {version} metric(s): {string.Join(", ", missing)}" : null;
    }

    private static int IndexOf(IReadOnlyList<CvssMetric> spec, string metric)
    {
        for (var i = 0; i < spec.Count; i++)
            if (spec[i].Name == metric) return i;
        return -1;
    }
}
