using System.Globalization;
using System.Text.RegularExpressions;

namespace Coord.Cli;

/// <summary>"--at 2026-12-01T14:00:00Z" or "--in 30s|15m|2h|14d|1d12h" → a UTC instant.</summary>
public static partial class Instants
{
    public static DateTimeOffset Resolve(string? at, string? inDuration, DateTimeOffset now)
    {
        if (at is not null && inDuration is not null) throw new UsageException("give either --at or --in, not both");
        if (at is not null)
        {
            // ISO 8601 only: TryParse alone also reads "05/06/2027 14:00", as 6 May, which a European coordinator means as 5 June.
            if (!Iso8601().IsMatch(at)
                || !DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                throw new UsageException($"--at: '{at}' is not an instant (e.g. 2026-12-01T14:00:00Z)");
            return instant.ToUniversalTime();
        }
        if (inDuration is not null) return now.ToUniversalTime() + Duration(inDuration);
        throw new UsageException("give the disclosure instant with --at <UTC instant> or --in <duration, e.g. 14d>");
    }

    /// <summary>The longest --in: ten years (no embargo policy allows more; the services refuse longer lengths of time too).</summary>
    public const int MaxDays = 3650;

    public static TimeSpan Duration(string text)
    {
        var matches = Part().Matches(text.Trim());
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text.Trim())
            throw new UsageException($"--in: '{text}' is not a duration (e.g. 30s, 15m, 2h, 14d, 1d12h)");
        long seconds = 0; // at most 6 digits a part, so no part overflows; the sum is bounded below
        foreach (Match m in matches)
        {
            var n = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            seconds += n * m.Groups[2].Value switch { "s" => 1, "m" => 60, "h" => 3600, _ => 86400 };
            if (seconds > MaxDays * 86400L) throw new UsageException($"--in: '{text}' is longer than {MaxDays} days");
        }
        return TimeSpan.FromSeconds(seconds);
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?)?(Z|[+-][0-9]{2}:[0-9]{2})?$", RegexOptions.IgnoreCase)]
    private static partial Regex Iso8601();

    [GeneratedRegex("([0-9]{1,6})([smhd])")]
    private static partial Regex Part();
}
