using System.Globalization;

namespace DownstreamNotifier.Registry;

/// <summary>A contact's UTC offset at an instant, from an IANA zone id or a fixed "+HH:MM".</summary>
public static class ContactTime
{
    public static TimeSpan? Offset(string? timeZone, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(timeZone)) return null;
        var tz = timeZone.Trim();
        if ((tz.StartsWith('+') || tz.StartsWith('-')) &&
            TimeSpan.TryParseExact(tz[1..], @"hh\:mm", CultureInfo.InvariantCulture, out var fixedOffset) && fixedOffset <= TimeSpan.FromHours(14))
            return tz[0] == '-' ? -fixedOffset : fixedOffset;
        // Not FindSystemTimeZoneById: a folder of the zoneinfo tree ("Europe", "posix") makes it throw a SecurityException.
        return TimeZoneInfo.TryFindSystemTimeZoneById(tz, out var zone) ? zone.GetUtcOffset(at) : null;
    }
}
