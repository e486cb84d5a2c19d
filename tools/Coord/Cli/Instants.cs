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
            if (!DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
                throw new UsageException($"--at: '{at}' is not an instant (e.g. 2026-12-01T14:00:00Z)");
            return instant.ToUniversalTime();
        }
        if (inDuration is not null) return now.ToUniversalTime() + Duration(inDuration);
        throw new UsageException("give the disclosure instant with --at <UTC instant> or --in <duration, e.g. 14d>");
    }

    public static TimeSpan Duration(string text)
    {
        var matches = Part().Matches(text.Trim());
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text.Trim())
            throw new UsageException($"--in: '{text}' is not a duration (e.g. 30s, 15m, 2h, 14d, 1d12h)");
        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var n = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch { "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n), _ => TimeSpan.FromDays(n) };
        }
        return total;
    }

    [GeneratedRegex("([0-9]{1,6})([smhd])")]
    private static partial Regex Part();
}
