namespace Coordination.Hosting.Validation;

/// <summary>PostgreSQL text and jsonb cannot hold U+0000: refuse it as a 400 instead of failing at the database.</summary>
public static class NoNul
{
    public const string Rule = "must not contain the NUL character (U+0000)";

    public static bool Violated(string? text) => text is not null && text.Contains('\0');
}
