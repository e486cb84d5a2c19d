using Coordination.Hosting.Validation;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Advisories;
using Coordination.Contracts.Advisories;

namespace Intake.Validation;

/// <summary>
/// Every rule of an advisory draft (../shared/FORMATS.md): OSV ecosystems, PEP 503 PyPI names, purls agreeing with
/// ecosystem and name, SEMVER/ECOSYSTEM/GIT ranges (outside GIT, events alternate introduced → fixed, lastAffected or
/// limit), severity with a complete CVSS vector and the rating it computes, CWE and CVE ids, reference and credit types. Returns the draft
/// normalised (PyPI names, credit types, severity rating) and the errors keyed by field path, e.g.
/// "affected[0].ranges[1].events[0]".
/// </summary>
public static partial class DraftValidator
{
    public const int MaxEcosystem = 100, MaxTitle = 200, MaxSummary = 1_000, MaxDetails = 100_000, MaxRemediation = 20_000, MaxItems = 200;

    public static readonly IReadOnlyList<string> Ratings = ["None", "Low", "Medium", "High", "Critical"];

    public static readonly IReadOnlyList<string> ReferenceTypes =
        ["ADVISORY", "ARTICLE", "DETECTION", "DISCUSSION", "REPORT", "FIX", "INTRODUCED", "GIT", "PACKAGE", "EVIDENCE", "WEB"];

    public static readonly IReadOnlyList<string> RangeTypes = ["SEMVER", "ECOSYSTEM", "GIT"];

    public static ValidationErrors Validate(AdvisoryDraft? draft, out AdvisoryDraft normalized)
    {
        var errors = new ValidationErrors();
        normalized = draft!;
        if (draft is null) { errors.Add("draft", "is required"); return errors; }

        Text(draft.Title, "title", MaxTitle, required: true, errors);
        Text(draft.Summary, "summary", MaxSummary, required: false, errors);
        Text(draft.Details, "details", MaxDetails, required: false, errors);
        Text(draft.Remediation, "remediation", MaxRemediation, required: false, errors);

        var affected = new List<AffectedPackage>();
        Each(draft.Affected, "affected", errors, (p, at) => { if (Affected(p, at, errors) is { } ok) affected.Add(ok); });
        if (draft.Affected is not null && affected.Count == draft.Affected.Count) FixedElsewhere(affected, errors);

        Severity? severity = null;
        if (draft.Severity is { } s)
        {
            var rating = Ratings.FirstOrDefault(r => string.Equals(r, s.Rating?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (rating is null) errors.Add("severity.rating", $"must be one of {string.Join(", ", Ratings)}");
            if (CvssVector.Check(s.CvssVector) is { } rule) errors.Add("severity.cvssVector", rule);
            // The records carry the rating the vector computes (FORMATS.md): a typed one that says otherwise is refused.
            else if (rating is not null && CvssVector.Score(s.CvssVector) is { } score && CvssSeverity.Rating(score) != rating)
                errors.Add("severity.rating", $"must be {CvssSeverity.Rating(score)}: the CVSS vector's score is {score.ToString("0.0", CultureInfo.InvariantCulture)}");
            severity = new Severity(rating ?? s.Rating ?? "", s.CvssVector ?? "");
        }

        var cwes = new List<string>();
        Each(draft.Cwes, "cwes", errors, (c, at) =>
        {
            if (c is null || !Cwe().IsMatch(c)) errors.Add(at, "must look like CWE-79 (at most 5 digits)");
            else if (cwes.Contains(c)) errors.Add(at, $"{c} is listed twice");
            else cwes.Add(c);
        });

        var references = new List<AdvisoryReference>();
        Each(draft.References, "references", errors, (r, at) =>
        {
            if (r is null) { errors.Add(at, "is required"); return; }
            var type = ReferenceTypes.FirstOrDefault(t => string.Equals(t, r.Type?.Trim(), StringComparison.OrdinalIgnoreCase));
            if (type is null) errors.Add(at + ".type", $"must be one of {string.Join(", ", ReferenceTypes)}");
            if (!CreditValidator.IsHttpUrl(r.Url)) errors.Add(at + ".url", "must be an absolute http(s) URL in ASCII (percent-encode other characters, the host in punycode)");
            if (type is not null) references.Add(new AdvisoryReference(type, r.Url!));
        });

        var cveId = string.IsNullOrWhiteSpace(draft.CveId) ? null : draft.CveId.Trim();
        if (cveId is not null && !Cve().IsMatch(cveId)) errors.Add("cveId", "must look like CVE-2026-12345 (CVE-YYYY- and 4 to 19 digits)");

        var credits = new List<Credit>();
        Each(draft.Credits, "credits", errors, (c, at) => { if (CreditValidator.Validate(c, at, errors) is { } ok) credits.Add(ok); });

        // Any string anywhere in the draft (names, versions, events, URLs), named by its path.
        foreach (var path in NulStrings(JsonSerializer.SerializeToNode(draft, JsonSerializerOptions.Web), "")) errors.Add(path, NoNul.Rule);
        normalized = new AdvisoryDraft(draft.Title?.Trim() ?? "", draft.Summary ?? "", draft.Details ?? "", affected, severity, cwes,
            references, cveId, credits, string.IsNullOrEmpty(draft.Remediation) ? null : draft.Remediation);
        return errors;
    }

    private static AffectedPackage? Affected(AffectedPackage? p, string at, ValidationErrors errors)
    {
        if (p is null) { errors.Add(at, "is required"); return null; }
        var ecosystem = OsvEcosystems.Base(p.Ecosystem);
        // The CVE record carries it as vendor and (lowercased) versionType, at most 128 characters.
        if (p.Ecosystem is { Length: > MaxEcosystem }) errors.Add(at + ".ecosystem", $"must be at most {MaxEcosystem} characters");
        // OSV's schema matches the suffix with ".+", which no line break matches: the record would be invalid.
        else if (OneLineText.Violated(p.Ecosystem)) errors.Add(at + ".ecosystem", OneLineText.Rule);
        else if (ecosystem is null) errors.Add(at + ".ecosystem", "must be one of OSV's ecosystems (e.g. PyPI, npm, crates.io, Go, Maven), optionally with ':suffix'");

        var name = p.Name?.Trim() ?? "";
        var nameOk = false;
        if (name.Length == 0) errors.Add(at + ".name", "is required");
        else if (name.Length > 300) errors.Add(at + ".name", "must be at most 300 characters");
        else if (ecosystem == "PyPI" && !Pep503.IsValidName(name)) errors.Add(at + ".name", "is not a valid PyPI distribution name");
        else
        {
            nameOk = true;
            if (ecosystem == "PyPI") name = Pep503.Normalize(name);
        }

        if (!Purl.TryParse(p.Purl, out var purl, out var purlError)) errors.Add(at + ".purl", purlError);
        else if (purl!.Version is not null) errors.Add(at + ".purl", "must not carry a version (@...)");
        // "%00" decodes to U+0000, which the database cannot hold: the notifier matches packages by the decoded name.
        else if (new[] { purl.Namespace, purl.Name, purl.Subpath }.Concat(purl.Qualifiers.Values).Any(NoNul.Violated))
            errors.Add(at + ".purl", NoNul.Rule + ", also percent-encoded (%00)");
        else if (ecosystem is not null && nameOk && PurlDisagreement(ecosystem, name, purl) is { } rule) errors.Add(at + ".purl", rule);

        var ranges = new List<VersionRange>();
        if ((p.Ranges is null || p.Ranges.Count == 0) && (p.Versions is null || p.Versions.Count == 0))
            errors.Add(at + ".ranges", "needs at least one range (or explicit versions)");
        Each(p.Ranges, at + ".ranges", errors, (r, rat) => { if (Range(r, rat, errors) is { } ok) ranges.Add(ok); });

        var fixedVersions = ranges.Where(r => r.Type != "GIT").SelectMany(r => r.Events).Select(e => e?.Fixed).OfType<string>().ToHashSet();
        var versions = new List<string>();
        Each(p.Versions, at + ".versions", errors, (v, vat) =>
        {
            if (string.IsNullOrWhiteSpace(v) || v.Length > 200) errors.Add(vat, "must be a non-empty version of at most 200 characters");
            else if (v.Trim().Any(char.IsWhiteSpace)) errors.Add(vat, "must not contain whitespace");
            // The CVE record would call it affected and CSAF fixed.
            else if (fixedVersions.Contains(v.Trim())) errors.Add(vat, $"{v.Trim()} is a fixed version of a range: an affected version cannot be one");
            else versions.Add(v.Trim());
        });

        // Kept in the purl spec's canonical form ("pkg://pypi/foo" is valid, "pkg:pypi/foo" is what every record writes).
        return new AffectedPackage(p.Ecosystem ?? "", name, purl?.ToString() ?? p.Purl ?? "", ranges, p.Versions is null ? null : versions);
    }

    /// <summary>A package listed in two entries (the same purl): a version one entry calls affected must not be a fixed
    /// version of the other's ranges either; the CVE record would call it affected and CSAF fixed.</summary>
    private static void FixedElsewhere(List<AffectedPackage> affected, ValidationErrors errors)
    {
        for (var i = 0; i < affected.Count; i++)
        for (var k = 0; k < (affected[i].Versions?.Count ?? 0); k++)
        {
            var version = affected[i].Versions![k];
            var other = Enumerable.Range(0, affected.Count).FirstOrDefault(j => j != i && affected[j].Purl == affected[i].Purl
                && affected[j].Ranges.Where(r => r.Type != "GIT").SelectMany(r => r.Events).Any(e => e?.Fixed == version), -1);
            if (other >= 0) errors.Add($"affected[{i}].versions[{k}]", $"{version} is a fixed version of a range of affected[{other}], the same package: an affected version cannot be one");
        }
    }

    /// <summary>The purl's type and name must say the same as ecosystem and name (PyPI → pkg:pypi/&lt;PEP 503 name&gt;).</summary>
    private static string? PurlDisagreement(string ecosystem, string name, Purl purl)
    {
        var type = OsvEcosystems.PurlType(ecosystem);
        if (type is null) return null;
        if (purl.Type != type) return $"type must be '{type}' for ecosystem {ecosystem}";
        var full = purl.Namespace is null ? purl.Name : purl.Namespace + "/" + purl.Name;
        var matches = ecosystem switch
        {
            "PyPI" => purl.Namespace is null && purl.Name == name,
            "Maven" => purl.Namespace is not null && $"{purl.Namespace}:{purl.Name}" == name,
            "NuGet" => string.Equals(full, name, StringComparison.OrdinalIgnoreCase),
            "Debian" or "Ubuntu" or "Alpine" or "Red Hat" or "Rocky Linux" or "AlmaLinux" or "openSUSE" or "SUSE" => purl.Name == name,
            _ => full == name,
        };
        if (matches) return null;
        return ecosystem == "PyPI" ? $"must be pkg:pypi/{name} (the PEP 503-normalised name)" : $"name must match the package name '{name}'";
    }

    private static VersionRange? Range(VersionRange? r, string at, ValidationErrors errors)
    {
        if (r is null) { errors.Add(at, "is required"); return null; }
        var type = RangeTypes.FirstOrDefault(t => string.Equals(t, r.Type?.Trim(), StringComparison.OrdinalIgnoreCase));
        if (type is null) errors.Add(at + ".type", "must be SEMVER, ECOSYSTEM or GIT");
        if (type == "GIT" && !IsRepo(r.Repo)) errors.Add(at + ".repo", "is required for a GIT range: the repository's URL, in ASCII");
        if (type is not null and not "GIT" && r.Repo is not null) errors.Add(at + ".repo", "is only allowed for a GIT range");

        if (r.Events is null || r.Events.Count == 0) { errors.Add(at + ".events", "needs at least one event, the first an 'introduced'"); return null; }
        bool hasFixed = false, hasLastAffected = false;
        // Outside GIT (whose commits have no order) each 'introduced' is closed by the event right after it: the CVE
        // and CSAF records pair them so, and events in another order (introduced 1.0, introduced 2.0, fixed 1.5,
        // fixed 2.5) would read as other versions there.
        var alternates = type is "SEMVER" or "ECOSYSTEM";
        for (var i = 0; i < r.Events.Count; i++)
        {
            var e = r.Events[i];
            var eat = $"{at}.events[{i}]";
            var set = e is null ? [] : new[] { ("introduced", e.Introduced), ("fixed", e.Fixed), ("lastAffected", e.LastAffected), ("limit", e.Limit) }
                .Where(x => x.Item2 is not null).ToArray();
            if (set.Length != 1) { errors.Add(eat, "must set exactly one of introduced, fixed, lastAffected, limit"); continue; }
            var (kind, value) = set[0];
            if (i == 0 && kind != "introduced") errors.Add(eat, "the first event must be 'introduced'");
            else if (alternates && i % 2 == 0 && kind != "introduced")
                errors.Add(eat, "must be 'introduced': events alternate 'introduced' and one of fixed, lastAffected, limit");
            else if (alternates && i % 2 == 1 && kind == "introduced")
                errors.Add(eat, "must be one of fixed, lastAffected, limit: events alternate 'introduced' and the event that closes it");
            hasFixed |= kind == "fixed";
            hasLastAffected |= kind == "lastAffected";
            if (string.IsNullOrWhiteSpace(value)) { errors.Add($"{eat}.{kind}", "must not be empty"); continue; }
            // "1.2.0 " would be another version than "1.2.0" in every record, and slip past the checks on "0" and fixed versions.
            if (value.Any(char.IsWhiteSpace)) { errors.Add($"{eat}.{kind}", "must not contain whitespace"); continue; }
            // "0" is OSV's "before the first version": a range fixed (or limited) there affects no version at all.
            if (kind is "fixed" or "limit" && value == "0") { errors.Add($"{eat}.{kind}", "must not be \"0\", which is before every version: name the first version without the flaw"); continue; }
            if (type == "GIT" && !(kind == "introduced" && value == "0") && !CommitHash().IsMatch(value))
                errors.Add($"{eat}.{kind}", "must be a full commit hash (40 or 64 hex digits) in a GIT range");
            if (type == "SEMVER" && !(kind == "introduced" && value == "0") && !SemVer().IsMatch(value))
                errors.Add($"{eat}.{kind}", "must be a SemVer 2.0 version without a leading 'v' (e.g. 1.2.3)");
            if (value.Length > 200) errors.Add($"{eat}.{kind}", "must be at most 200 characters");
        }
        if (hasFixed && hasLastAffected) errors.Add(at + ".events", "must not contain both 'fixed' and 'lastAffected'");
        return type is null ? null : new VersionRange(type, r.Events, r.Repo);
    }

    private static bool IsRepo(string? url) => CreditValidator.IsAbsoluteUri(url, "https", "http", "git", "ssh");

    private static void Text(string? value, string field, int max, bool required, ValidationErrors errors)
    {
        if (required && string.IsNullOrWhiteSpace(value)) errors.Add(field, "is required");
        else if (value is not null && value.Length > max) errors.Add(field, $"must be at most {max} characters");
    }

    private static IEnumerable<string> NulStrings(JsonNode? node, string path) => node switch
    {
        JsonObject o => o.SelectMany(p => NulStrings(p.Value, path.Length == 0 ? p.Key : $"{path}.{p.Key}")),
        JsonArray a => a.SelectMany((item, i) => NulStrings(item, $"{path}[{i}]")),
        JsonValue v when v.TryGetValue<string>(out var s) && NoNul.Violated(s) => [path],
        _ => [],
    };

    private static void Each<T>(IReadOnlyList<T>? items, string field, ValidationErrors errors, Action<T, string> check)
    {
        if (items is null) return;
        if (items.Count > MaxItems) { errors.Add(field, $"must have at most {MaxItems} entries"); return; }
        for (var i = 0; i < items.Count; i++) check(items[i], $"{field}[{i}]");
    }

    // CVE 5 allows a cweId of at most 9 characters, and its cveId at most 19 digits after the year.
    [GeneratedRegex("^CWE-[1-9][0-9]{0,4}\\z")]
    private static partial Regex Cwe();

    [GeneratedRegex("^CVE-[0-9]{4}-[0-9]{4,19}\\z")]
    private static partial Regex Cve();

    [GeneratedRegex("^([0-9a-f]{40}|[0-9a-f]{64})\\z")]
    private static partial Regex CommitHash();

    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z")]
    private static partial Regex SemVer();
}
