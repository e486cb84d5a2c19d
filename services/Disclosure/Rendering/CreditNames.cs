using Coordination.Contracts.Advisories;

namespace Disclosure.Rendering;

/// <summary>OSV credit types (FINDER, REMEDIATION_DEVELOPER) in CVE's spelling (finder, remediation developer).</summary>
public static class CreditNames
{
    public static string Cve(string osvType) => osvType.ToLowerInvariant().Replace('_', ' ');

    /// <summary>"finder, remediation developer": the roles as CSAF's acknowledgment summary says them.</summary>
    public static string Summary(Credit credit) => string.Join(", ", credit.Types.Select(Cve));

    /// <summary>The contact as a URI: an email address becomes mailto:.</summary>
    public static string? ContactUri(string? contact) =>
        string.IsNullOrWhiteSpace(contact) ? null
        : contact.Contains("://", StringComparison.Ordinal) || contact.StartsWith("mailto:", StringComparison.Ordinal) ? contact
        : contact.Contains('@') ? "mailto:" + contact
        : null;
}
