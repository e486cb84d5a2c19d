using System.Text;
using System.Text.RegularExpressions;
using Coordination.Hosting.Validation;
using DownstreamNotifier.Keys;
using DownstreamNotifier.Packages;
using MimeKit;

namespace DownstreamNotifier.Registry;

/// <summary>Checks project and contact input; each failure keyed by the field ("packages[2]", "publicKey").</summary>
public static partial class RegistryValidation
{
    /// <summary>Longest purl accepted, in UTF-8 bytes: its key is indexed, and a btree entry holds at most 2704 bytes.
    /// Counted as stored (canonical, percent-encoded), so that whatever is stored is accepted again.</summary>
    public const int MaxPurlBytes = 1000;

    public const int MaxHomepageLength = 2000;

    public const int MaxChannels = 100;

    /// <summary>Longest armored key accepted: a key carrying thousands of third-party signatures (a flooded key) would
    /// cost its check seconds of CPU, and is exported without them by <c>gpg --export-options export-minimal</c>.</summary>
    public const int MaxPublicKeyLength = 1_000_000;

    private const string OneLineRule = "must be one line, without control characters (line breaks, tabs)";

    // Written into notices' text ("Hello <name>"): a line break would let a name add lines to a notice.
    private static bool HasControl(string? s) => s is not null && s.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029');

    public static ValidProject? Project(ProjectRequest r, Dictionary<string, string[]> errors, string prefix = "")
    {
        var before = errors.Count;
        var name = r.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors[prefix + "name"] = ["is required, at most 200 characters"];
        else if (NoNul.Violated(name)) errors[prefix + "name"] = [NoNul.Rule];
        else if (HasControl(name)) errors[prefix + "name"] = [OneLineRule];
        if (r.Ecosystem is { Length: > 100 }) errors[prefix + "ecosystem"] = ["at most 100 characters"];
        else if (NoNul.Violated(r.Ecosystem)) errors[prefix + "ecosystem"] = [NoNul.Rule];
        else if (HasControl(r.Ecosystem)) errors[prefix + "ecosystem"] = [OneLineRule];
        var homepage = string.IsNullOrWhiteSpace(r.Homepage) ? null : r.Homepage.Trim();
        if (homepage is { Length: > MaxHomepageLength }) errors[prefix + "homepage"] = [$"at most {MaxHomepageLength} characters"];
        else if (NoNul.Violated(homepage)) errors[prefix + "homepage"] = [NoNul.Rule];
        else if (homepage is not null && (!Uri.TryCreate(homepage, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            errors[prefix + "homepage"] = ["must be an absolute http(s) URL"];
        var packages = new List<(ProjectPackage, string)>();
        var list = r.Packages ?? [];
        if (list.Count > 10_000) errors[prefix + "packages"] = ["at most 10000 packages"];
        for (var i = 0; i < list.Count && i < 10_000; i++)
        {
            var p = list[i];
            if (p is null) { errors[$"{prefix}packages[{i}]"] = ["must be a purl or {purl, relation}"]; continue; }
            var relation = (p.Relation ?? PackageRelation.Depends).ToLowerInvariant();
            if (relation is not (PackageRelation.Depends or PackageRelation.Ships))
                errors[$"{prefix}packages[{i}].relation"] = ["must be \"depends\" or \"ships\""];
            else if (!PackageUrl.TryParse(p.Purl, out var purl, out var why))
                errors[$"{prefix}packages[{i}]"] = [$"not a package URL: {why}"];
            else if (NoNul.Violated(purl.Namespace) || NoNul.Violated(purl.Name))
                errors[$"{prefix}packages[{i}]"] = [NoNul.Rule + ", also percent-encoded (%00)"];
            else if (Encoding.UTF8.GetByteCount(purl.ToString()) is var stored and > MaxPurlBytes)
                errors[$"{prefix}packages[{i}]"] = [$"at most {MaxPurlBytes} bytes as stored (without version, qualifiers and subpath, "
                    + $"each character but letters, digits and \"-._~:\" percent-encoded: \"é\" is \"%C3%A9\"); this one is {stored}"];
            else
                packages.Add((new ProjectPackage(purl.ToString(), relation), purl.Key));
        }
        if (r.Channels is { Count: > MaxChannels }) errors[prefix + "channels"] = [$"at most {MaxChannels} channels"];
        // Checked as given, so that an error names the entry that was sent; then once each.
        var given = (r.Channels ?? []).Take(MaxChannels).Select(c => c?.Trim().ToLowerInvariant() ?? "").ToArray();
        for (var i = 0; i < given.Length; i++)
            if (!ChannelName().IsMatch(given[i])) errors[$"{prefix}channels[{i}]"] = ["must be 1-50 of a-z, 0-9, '-'"];
        var channels = given.Distinct().ToArray();
        return errors.Count > before
            ? null
            : new ValidProject(name, string.IsNullOrWhiteSpace(r.Ecosystem) ? null : r.Ecosystem.Trim(), homepage,
                packages.DistinctBy(p => (p.Item2, p.Item1.Relation)).ToList(), channels);
    }

    // The parsed address is the text itself (not a part of "Name <a@b>" or a list); MimeKit shows a punycode domain
    // decoded, so that form is compared encoded again.
    private static bool IsWhole(MailboxAddress mailbox, string email) => mailbox.Address == email || mailbox.GetAddress(idnEncode: true) == email;

    public static ValidContact? Contact(ContactRequest r, DateTimeOffset now, Dictionary<string, string[]> errors, string prefix = "")
    {
        var before = errors.Count;
        var name = r.Name?.Trim() ?? "";
        if (name.Length is 0 or > 200) errors[prefix + "name"] = ["is required, at most 200 characters"];
        else if (NoNul.Violated(name)) errors[prefix + "name"] = [NoNul.Rule];
        else if (HasControl(name)) errors[prefix + "name"] = [OneLineRule];
        var email = r.Email?.Trim() ?? "";
        if (email.Length is 0 or > 320 || NoNul.Violated(email) || !MailboxAddress.TryParse(email, out var mailbox) || !IsWhole(mailbox, email) || !email.Contains('@'))
            errors[prefix + "email"] = ["must be one plain email address (name@example.org)"];
        // Sent without SMTPUTF8 (which many servers do not offer): a non-ASCII local part would be refused there. An
        // international domain is fine: it goes out as punycode.
        else if (!System.Text.Ascii.IsValid(email.AsSpan(0, email.LastIndexOf('@'))))
            errors[prefix + "email"] = ["the part before the @ must be ASCII: mail servers without SMTPUTF8 refuse other characters (an international domain is fine)"];
        if (r.Role is { Length: > 100 }) errors[prefix + "role"] = ["at most 100 characters"];
        else if (NoNul.Violated(r.Role)) errors[prefix + "role"] = [NoNul.Rule];
        else if (HasControl(r.Role)) errors[prefix + "role"] = [OneLineRule];
        var timeZone = string.IsNullOrWhiteSpace(r.TimeZone) ? null : r.TimeZone.Trim();
        if (timeZone is not null && ContactTime.Offset(timeZone, now) is null)
            errors[prefix + "timeZone"] = ["must be an IANA time zone (Europe/Berlin) or an offset (+02:00)"];
        KeyCheck? key = null;
        var armored = string.IsNullOrWhiteSpace(r.PublicKey) ? null : r.PublicKey.Trim();
        if (armored is { Length: > MaxPublicKeyLength })
            errors[prefix + "publicKey"] = [$"at most {MaxPublicKeyLength} characters: export the key without third-party signatures (gpg --export-options export-minimal --armor --export KEYID)"];
        else if (NoNul.Violated(armored)) errors[prefix + "publicKey"] = [NoNul.Rule];
        else if (armored is not null && !OpenPgpKeyInspector.TryCheck(armored, now, out key, out var why))
            errors[prefix + "publicKey"] = [$"the key {why}"];
        if (errors.Count > before) return null;
        return new ValidContact(name, email, string.IsNullOrWhiteSpace(r.Role) ? null : r.Role.Trim(), timeZone, armored, key?.Fingerprint, key?.ExpiresAt,
            key is null ? null : Convert.ToHexString(key.EncryptionKey.GetFingerprint()));
    }

    [GeneratedRegex("^[a-z0-9-]{1,50}\\z")]
    private static partial Regex ChannelName();
}
