using System.Text.RegularExpressions;

namespace Coord.Demo;

/// <summary>Finds the acknowledgement link (…/notices/{token}) in a notice's text.</summary>
public static partial class NoticeLinks
{
    public static string? Token(string text) => Link().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex(@"https?://\S+?/notices/([A-Za-z0-9_-]{20,})")]
    private static partial Regex Link();
}
