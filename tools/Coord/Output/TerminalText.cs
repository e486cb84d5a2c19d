namespace Coord.Output;

/// <summary>
/// Text from a service shown in a member's terminal: a report's description and subject come from anyone, and an escape
/// sequence in them would be run by the terminal (set the clipboard, retitle the window, hide lines). Control characters
/// but newline and tab, and bidirectional controls, are shown as U+FFFD; CR LF line ends as newlines.
/// </summary>
public static class TerminalText
{
    public static string Safe(string text)
    {
        if (!text.Any(IsUnsafe)) return text;
        text = text.Replace("\r\n", "\n");
        return string.Create(text.Length, text, (chars, t) =>
        {
            for (var i = 0; i < t.Length; i++) chars[i] = IsUnsafe(t[i]) ? '\uFFFD' : t[i];
        });
    }

    private static bool IsUnsafe(char c) =>
        (char.IsControl(c) && c is not '\n' and not '\t') || c is (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
