using Coordination.Hosting.Validation;
using Coordination.Contracts.Advisories;
using Intake.Members;
using Intake.Validation;

namespace Intake.Reports;

/// <summary>Rules of a submitted report; lengths come from IntakeOptions.</summary>
public static class ReportValidator
{
    public const int MaxName = 200, MaxComponents = 20, MaxComponent = 200, MaxSubject = 300;

    public static ValidationErrors Validate(ReportRequest r, int maxDescription)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(r.ReporterName)) errors.Add("reporterName", "is required");
        else if (r.ReporterName.Length > MaxName) errors.Add("reporterName", $"must be at most {MaxName} characters");
        if (!MemberValidator.IsEmail(r.ReporterEmail)) errors.Add("reporterEmail", "must be an email address");
        if (r.Components is null || r.Components.Count == 0) errors.Add("components", "needs at least one affected component");
        else if (r.Components.Count > MaxComponents) errors.Add("components", $"must have at most {MaxComponents} entries");
        else
            for (var i = 0; i < r.Components.Count; i++)
                if (string.IsNullOrWhiteSpace(r.Components[i]) || r.Components[i].Length > MaxComponent)
                    errors.Add($"components[{i}]", $"must be 1 to {MaxComponent} characters");
        if (string.IsNullOrWhiteSpace(r.Description)) errors.Add("description", "is required");
        else if (r.Description.Length > maxDescription) errors.Add("description", $"must be at most {maxDescription} characters");
        if (r.Subject is { Length: > MaxSubject }) errors.Add("subject", $"must be at most {MaxSubject} characters");
        // Each text with a NUL is named (the e-mail address is refused above already), and each one-line text with a
        // control character: the description may hold any text but NUL.
        (string Field, string? Text)[] texts =
        [
            ("reporterName", r.ReporterName), ("description", r.Description), ("subject", r.Subject), ("credit.name", r.Credit?.Name),
            .. (r.Components ?? []).Select((c, i) => ($"components[{i}]", c)),
        ];
        foreach (var (field, text) in texts)
            if (field == "description" ? NoNul.Violated(text) : OneLineText.Violated(text))
                errors.Add(field, field == "description" ? NoNul.Rule : OneLineText.Rule);
        if (r.Credit is { Wanted: true } c)
        {
            if (c.Name is { Length: > MaxName }) errors.Add("credit.name", $"must be at most {MaxName} characters");
            for (var i = 0; i < (c.Types?.Count ?? 0); i++)
                if (!CreditTypes.All.Contains(c.Types![i]?.Trim() ?? "", StringComparer.OrdinalIgnoreCase))
                    errors.Add($"credit.types[{i}]", $"must be one of {string.Join(", ", CreditTypes.All)}");
        }
        return errors;
    }

    /// <summary>An ASCII-armored OpenPGP message (kept exactly as received, never decrypted here).</summary>
    public static bool IsArmoredPgp(string text)
    {
        // Two searches, not a pattern "BEGIN[\s\S]*END": that backtracks from every BEGIN, so a mail of BEGIN lines
        // held the poller for hours.
        var begin = text.IndexOf(ArmorBegin, StringComparison.Ordinal);
        return begin >= 0 && text.IndexOf(ArmorEnd, begin + ArmorBegin.Length, StringComparison.Ordinal) >= 0;
    }

    /// <summary>
    /// Whether the bytes open like a binary OpenPGP message (gpg --encrypt without --armor, a .gpg file): a public-key
    /// (tag 1) or passphrase (tag 3) encrypted session key packet of a known version, in either packet format.
    /// </summary>
    public static bool IsBinaryPgpMessage(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 3 || (bytes[0] & 0x80) == 0) return false;
        int tag, bodyAt;
        if ((bytes[0] & 0x40) != 0) // new format: the tag in six bits, then a 1-, 2- or 5-octet length
        {
            tag = bytes[0] & 0x3F;
            bodyAt = bytes[1] switch { < 192 => 2, < 224 => 3, 255 => 6, _ => -1 }; // a partial length never opens these packets
        }
        else // old format: the tag in four bits, the length's size in two (1, 2 or 4 octets)
        {
            tag = (bytes[0] >> 2) & 0x0F;
            bodyAt = (bytes[0] & 3) switch { 0 => 2, 1 => 3, 2 => 5, _ => -1 };
        }
        if (bodyAt < 0 || bytes.Length <= bodyAt) return false;
        var version = bytes[bodyAt];
        return (tag == 1 && version is 3 or 6) || (tag == 3 && version is 4 or 5 or 6);
    }

    private const string ArmorBegin = "-----BEGIN PGP MESSAGE-----", ArmorEnd = "-----END PGP MESSAGE-----";
}
