namespace Intake.Validation;

/// <summary>
/// Names, subjects, components and file names are shown on one line in members' terminals: no control characters (an
/// escape sequence rewrites the screen, a newline forges another line) and no bidi controls (poc\u202Etxt.exe reads as
/// pocexe.txt). A mail's are stripped of them (its sender cannot be asked again); a request naming one is refused.
/// </summary>
public static class OneLineText
{
    public const string Rule = "must be one line of text, without control characters, line separators (U+2028, U+2029) or bidirectional controls (U+202A to U+202E, U+2066 to U+2069)";

    // U+2028 and U+2029 (line and paragraph separators) break lines as a newline does.
    public static bool IsUnfit(char c) => char.IsControl(c) || c is '\u2028' or '\u2029' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    public static bool Violated(string? text) => text is not null && text.Any(IsUnfit);

    public static string Strip(string text) => Violated(text) ? string.Concat(text.Where(c => !IsUnfit(c))) : text;
}
