namespace Coordination.Advisories;

/// <summary>The qualitative severity rating scale, the same for CVSS 3.1 and 4.0.</summary>
public static class CvssSeverity
{
    /// <summary>NONE, LOW, MEDIUM, HIGH or CRITICAL, as CVE records and CSAF spell it.</summary>
    public static string Of(decimal score) => score switch
    {
        0m => "NONE",
        < 4.0m => "LOW",
        < 7.0m => "MEDIUM",
        < 9.0m => "HIGH",
        _ => "CRITICAL",
    };

    /// <summary>None, Low, Medium, High or Critical, as the CVSS specifications spell it in text.</summary>
    public static string Rating(decimal score)
    {
        var rating = Of(score);
        return rating[0] + rating[1..].ToLowerInvariant();
    }
}
