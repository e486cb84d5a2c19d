using Microsoft.Net.Http.Headers;

namespace Disclosure.Apis;

/// <summary>
/// Which record GET /advisories/{id} serves for an Accept header (RFC 9110 section 12.5.1): each format gets the
/// quality of the most specific range that matches it (the type itself, then application/*, then */*); the highest
/// quality above 0 wins, OSV on a tie or without an Accept header. Null: the header accepts none of the three.
/// </summary>
public static class RecordNegotiation
{
    // In the order a tie goes.
    private static readonly (string Format, string MediaType)[] Formats =
        [("osv", AdvisoriesApi.OsvMediaType), ("cve", AdvisoriesApi.CveMediaType), ("csaf", AdvisoriesApi.CsafMediaType)];

    /// <param name="withCve">false for an advisory without a CVE id, which has no CVE record to choose.</param>
    public static string? Choose(IList<string>? accept, bool withCve = true)
    {
        if (accept is null || accept.Count == 0 || !MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0) return "osv";
        string? best = null;
        var bestQuality = 0.0;
        foreach (var (format, mediaType) in Formats)
        {
            if (format == "cve" && !withCve) continue;
            var quality = Quality(ranges, new MediaTypeHeaderValue(mediaType));
            if (quality > bestQuality) (best, bestQuality) = (format, quality);
        }
        return best;
    }

    private static double Quality(IList<MediaTypeHeaderValue> ranges, MediaTypeHeaderValue type) =>
        ranges.Where(type.IsSubsetOf)
            .OrderByDescending(r => r.MatchesAllTypes ? 0 : r.MatchesAllSubTypes ? 1 : 2)
            .Select(r => r.Quality ?? 1.0)
            .DefaultIfEmpty(0.0)
            .First();
}
