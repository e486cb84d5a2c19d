using System.Globalization;

namespace Disclosure.Rendering;

/// <summary>RFC 3339 UTC text from a real date type, never from text.</summary>
public static class Timestamps
{
    public static string Rfc3339(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
