using Coordination.Hosting.Validation;

namespace Disclosure.Rendering;

/// <summary>
/// Text as the records' limits need it. Lengths are counted in UTF-16 units, never fewer than the code points the
/// schemas count, so a text within a limit here is within it there.
/// </summary>
public static class RecordText
{
    /// <summary>The parts that are not blank, a blank line between them ("" when all are blank).</summary>
    public static string Paragraphs(params string?[] parts) => string.Join("\n\n", parts.Where(p => !string.IsNullOrWhiteSpace(p)));

    /// <summary>The text, or, when longer than <paramref name="max"/>, its beginning and where the whole text is.</summary>
    public static string Shortened(string text, int max, string wholeTextUrl)
    {
        if (text.Length <= max) return text;
        var pointer = $"\n\n[Shortened; the full text is in the advisory: {wholeTextUrl}]";
        return TextLimit.Cut(text, max - pointer.Length).TrimEnd() + pointer;
    }
}
