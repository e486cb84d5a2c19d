using Coordination.Hosting.Validation;
using Coordination.Contracts.Advisories;
using Intake.Members;

namespace Intake.Validation;

/// <summary>A credited person: a name, one or more of the ten credit types (OSV spelling, any case), optional contact.</summary>
public static class CreditValidator
{
    public const int MaxName = 200;

    /// <returns>The credit with types in OSV's canonical spelling, or null when invalid (errors added).</returns>
    public static Credit? Validate(Credit? credit, string prefix, ValidationErrors errors)
    {
        var at = prefix.Length == 0 ? "" : prefix + ".";
        if (credit is null) { errors.Add(prefix, "is required"); return null; }
        var ok = true;
        if (string.IsNullOrWhiteSpace(credit.Name)) { errors.Add(at + "name", "is required"); ok = false; }
        else if (credit.Name.Length > MaxName) { errors.Add(at + "name", $"must be at most {MaxName} characters"); ok = false; }
        else if (NoNul.Violated(credit.Name)) { errors.Add(at + "name", NoNul.Rule); ok = false; }

        var types = new List<string>();
        if (credit.Types is null || credit.Types.Count == 0) { errors.Add(at + "types", "needs at least one credit type"); ok = false; }
        else
        {
            for (var i = 0; i < credit.Types.Count; i++)
            {
                var canonical = CreditTypes.All.FirstOrDefault(t => string.Equals(t, credit.Types[i]?.Trim(), StringComparison.OrdinalIgnoreCase));
                if (canonical is null) { errors.Add($"{at}types[{i}]", $"must be one of {string.Join(", ", CreditTypes.All)}"); ok = false; }
                else if (types.Contains(canonical)) { errors.Add($"{at}types[{i}]", $"{canonical} is listed twice"); ok = false; }
                else types.Add(canonical);
            }
        }

        var contact = string.IsNullOrWhiteSpace(credit.Contact) ? null : credit.Contact.Trim();
        if (contact is not null && (NoNul.Violated(contact) || !MemberValidator.IsEmail(contact) && !IsHttpUrl(contact)))
        {
            errors.Add(at + "contact", "must be an email address or an http(s) URL (in ASCII: percent-encode other characters, the host in punycode)");
            ok = false;
        }
        return ok ? new Credit(credit.Name.Trim(), types, contact) : null;
    }

    public static bool IsHttpUrl(string? text) => IsAbsoluteUri(text, "https", "http");

    /// <summary>An absolute URI of one of the schemes, with a host, in RFC 3986 text of at most 2,048 characters.</summary>
    public static bool IsAbsoluteUri(string? text, params string[] schemes) =>
        text is { Length: <= 2048 } && IsUriText(text) && Uri.TryCreate(text, UriKind.Absolute, out var uri) && schemes.Contains(uri.Scheme) && uri.Host.Length > 0;

    /// <summary>
    /// Whether the text is made only of what RFC 3986 allows in a URI: unreserved and reserved characters, and '%' only
    /// as the start of a percent-encoded octet. The records give URLs as JSON Schema "uri": .NET's Uri would accept, and
    /// escape, spaces, characters outside ASCII (a Unicode host or path is an IRI), '&lt;', '{' or a stray '%'.
    /// </summary>
    private static bool IsUriText(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2])) return false;
                i += 2;
            }
            else if (!char.IsAsciiLetterOrDigit(c) && !"-._~:/?#[]@!$&'()*+,;=".Contains(c)) return false;
        }
        return true;
    }
}
