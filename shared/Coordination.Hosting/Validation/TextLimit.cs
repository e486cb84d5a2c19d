namespace Coordination.Hosting.Validation;

/// <summary>Cutting text to a length limit (in UTF-16 units) without leaving half of a surrogate pair behind.</summary>
public static class TextLimit
{
    public static string Cut(string text, int max) =>
        max <= 0 ? "" : text.Length <= max ? text : text[..(char.IsHighSurrogate(text[max - 1]) ? max - 1 : max)];
}
