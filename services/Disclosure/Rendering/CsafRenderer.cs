using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Advisories;
using Coordination.Contracts.Advisories;

namespace Disclosure.Rendering;

/// <summary>
/// The CSAF 2.0 csaf_security_advisory: TLP WHITE and status final once public; the embargoed preview
/// (<see cref="PublicationMetadata.IsPublic"/> false) is TLP AMBER and status interim.
/// Product tree: vendor (ecosystem) → product_name (package) → one product_version_range per affected range and
/// one product_version per fixed version; purls are rebuilt canonically, with the version as a component.
/// </summary>
public static class CsafRenderer
{
    public static JsonObject Render(AdvisoryDraft draft, PublicationMetadata meta)
    {
        var products = new ProductCatalog();
        var tree = new JsonArray(draft.Affected.GroupBy(p => p.Ecosystem).Select(g => (JsonNode?)new JsonObject
        {
            ["category"] = "vendor",
            ["name"] = g.Key,
            ["branches"] = new JsonArray(g.Select(p => PackageBranch(p, products)).OfType<JsonNode>().ToArray<JsonNode?>()),
        }).ToArray());

        var document = new JsonObject
        {
            ["category"] = "csaf_security_advisory",
            ["csaf_version"] = "2.0",
            ["lang"] = "en",
            ["title"] = draft.Title,
            ["publisher"] = new JsonObject
            {
                ["category"] = meta.PublisherCategory, ["name"] = meta.PublisherName, ["namespace"] = meta.PublisherNamespace,
            },
            ["distribution"] = meta.IsPublic
                ? new JsonObject { ["tlp"] = new JsonObject { ["label"] = "WHITE", ["url"] = "https://www.first.org/tlp/" } }
                : new JsonObject
                {
                    ["text"] = "Embargoed: for the recipients' remediation work only until the disclosure date.",
                    ["tlp"] = new JsonObject { ["label"] = "AMBER", ["url"] = "https://www.first.org/tlp/" },
                },
            // A security advisory needs a document note (CSAF 6.1.27.1), and notes may not be empty: the title stands in.
            ["notes"] = new JsonArray(new JsonObject
            {
                ["category"] = "summary", ["title"] = "Summary", ["text"] = string.IsNullOrWhiteSpace(draft.Summary) ? draft.Title : draft.Summary,
            }),
            ["references"] = new JsonArray(DocumentReferences(draft, meta).ToArray<JsonNode?>()),
            ["tracking"] = Tracking(meta),
        };
        // CSAF 2.0 has no withdrawn status: a final document whose note says so, and why (OSV "withdrawn", CVE REJECTED).
        if (meta.Withdrawn is { } withdrawn)
            document["notes"]!.AsArray().Add(new JsonObject
            {
                ["category"] = "general", ["title"] = "Withdrawn",
                ["text"] = $"This advisory was withdrawn on {Timestamps.Rfc3339(withdrawn)}: {meta.WithdrawnReason}",
            });
        if (draft.Credits.Count > 0)
            document["acknowledgments"] = new JsonArray(draft.Credits.Select(Acknowledgment).ToArray<JsonNode?>());

        return new JsonObject
        {
            ["document"] = document,
            ["product_tree"] = new JsonObject { ["branches"] = tree },
            ["vulnerabilities"] = new JsonArray(Vulnerability(draft, meta, products)),
        };
    }

    /// <summary>
    /// The document's file name (CSAF 2.0 section 5.1): the tracking id lowercased, each run of characters other than
    /// +, -, a-z and 0-9 an underscore, then ".json" (x_COORD-2026-7 → x_coord-2026-7.json). The public API serves
    /// the CSAF under it too, and the self reference (the canonical URL, recommended test 6.2.11) names it.
    /// </summary>
    public static string FileName(string trackingId) => Regex.Replace(trackingId.ToLowerInvariant(), "[^+\\-a-z0-9]+", "_") + ".json";

    /// <summary>Where the CSAF document is published under its <see cref="FileName"/>: its self reference, and what every link to it names.</summary>
    public static string CanonicalUrl(string publicBaseUrl, string trackingId) => $"{publicBaseUrl.TrimEnd('/')}/advisories/{FileName(trackingId)}";

    private static JsonNode Tracking(PublicationMetadata meta) => new JsonObject
    {
        ["id"] = meta.AdvisoryId,
        ["status"] = meta.IsPublic ? "final" : "interim",
        ["version"] = meta.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["initial_release_date"] = Timestamps.Rfc3339(meta.Published),
        ["current_release_date"] = Timestamps.Rfc3339(meta.Modified),
        ["revision_history"] = new JsonArray(meta.History.OrderBy(h => h.Version).Select(h => (JsonNode?)new JsonObject
        {
            ["date"] = Timestamps.Rfc3339(h.Date),
            ["number"] = h.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["summary"] = h.Summary,
        }).ToArray()),
        ["generator"] = new JsonObject
        {
            ["date"] = Timestamps.Rfc3339(meta.Modified),
            ["engine"] = new JsonObject { ["name"] = "Coordination disclosure" },
        },
    };

    /// <returns>The package's branch, or null when it defines no product of its own (a package listed again with ranges
    /// and versions an earlier entry has: its branch would be empty, which CSAF does not allow).</returns>
    private static JsonNode? PackageBranch(AffectedPackage package, ProductCatalog products)
    {
        var leaves = new JsonArray();
        var purl = Purl.TryParse(package.Purl, out var parsed, out _) ? parsed : null;
        // Products are keyed by ecosystem and purl: one name in two ecosystems (or two Debian releases) is two products.
        var key = $"{package.Ecosystem} {purl?.ToString() ?? package.Purl}";
        foreach (var range in package.Ranges)
        {
            var rangeName = RangeName(range, purl?.Type ?? "generic");
            // Two ranges that read the same (SEMVER and ECOSYSTEM with the same events) are one product.
            if (products.Affected($"{key} {rangeName}", hasFix: range.Events.Any(e => e.Fixed is not null)) is { } id)
                leaves.Add(Leaf("product_version_range", rangeName, id, $"{package.Name} {rangeName}", purl?.ToString()));
            foreach (var fixedVersion in range.Events.Where(e => e.Fixed is not null).Select(e => e.Fixed!))
            {
                var isCommit = range.Type == "GIT";
                if (products.Fixed(isCommit ? $"{key} {range.Repo}@{fixedVersion}" : $"{key}@{fixedVersion}") is { } fixedId)
                    leaves.Add(Leaf("product_version", fixedVersion, fixedId, $"{package.Name} {fixedVersion}", isCommit ? null : Versioned(purl, fixedVersion)));
            }
        }
        var packageHasFix = package.Ranges.Any(r => r.Events.Any(e => e.Fixed is not null));
        foreach (var version in package.Versions ?? [])
            if (products.Affected($"{key}@{version}", packageHasFix) is { } id)
                leaves.Add(Leaf("product_version", version, id, $"{package.Name} {version}", Versioned(purl, version)));
        return leaves.Count == 0 ? null : new JsonObject { ["category"] = "product_name", ["name"] = package.Name, ["branches"] = leaves };
    }

    private static string? Versioned(Purl? purl, string version) => purl is null ? null : (purl with { Version = version }).ToString();

    private static JsonNode Leaf(string category, string name, string productId, string fullName, string? purl)
    {
        var product = new JsonObject { ["name"] = fullName, ["product_id"] = productId };
        if (purl is not null) product["product_identification_helper"] = new JsonObject { ["purl"] = purl };
        return new JsonObject { ["category"] = category, ["name"] = name, ["product"] = product };
    }

    /// <summary>A vers-style range ("vers:pypi/&gt;=1.0|&lt;1.2") or, for GIT, the commits. The events are written in
    /// their order, which intake requires to alternate (introduced, then the event closing it) outside GIT.</summary>
    private static string RangeName(VersionRange range, string purlType)
    {
        var parts = new List<string>();
        foreach (var e in range.Events)
        {
            if (e.Introduced is { } i && i != "0") parts.Add(">=" + i);
            if (e.Fixed is { } f) parts.Add("<" + f);
            if (e.LastAffected is { } l) parts.Add("<=" + l);
            if (e.Limit is { } m) parts.Add("<" + m);
        }
        if (range.Type == "GIT") return $"git {range.Repo} {(parts.Count == 0 ? "*" : string.Join("|", parts))}";
        return $"vers:{purlType}/{(parts.Count == 0 ? "*" : string.Join("|", parts))}";
    }

    private static JsonNode Vulnerability(AdvisoryDraft draft, PublicationMetadata meta, ProductCatalog products)
    {
        var affected = products.AffectedIds;
        var vulnerability = new JsonObject();
        if (draft.CveId is { } cve) vulnerability["cve"] = cve;
        else vulnerability["ids"] = new JsonArray(new JsonObject { ["system_name"] = "OSV", ["text"] = meta.AdvisoryId });
        // A vulnerability of a security advisory needs notes (CSAF 6.1.27.5): the description is always there, the
        // details or, where there are none, the summary or the title.
        var notes = new JsonArray(string.IsNullOrWhiteSpace(draft.Details)
            ? new JsonObject { ["category"] = "description", ["title"] = "Description", ["text"] = string.IsNullOrWhiteSpace(draft.Summary) ? draft.Title : draft.Summary }
            : new JsonObject { ["category"] = "description", ["title"] = "Details", ["text"] = draft.Details });
        if (draft.Cwes.Count > 0)
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "CWE", ["text"] = string.Join(", ", draft.Cwes) });
        // CSAF 2.0 has no CVSS v4.0 score object: the vector and its score travel as a note.
        if (draft.Severity is { } v4 && Cvss40.IsVector(v4.CvssVector))
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "CVSS v4.0 vector", ["text"] = V4NoteText(v4.CvssVector) });
        // A vector that scores nothing (one stored before intake checked vectors) is kept as written, with no score.
        else if (draft.Severity is { CvssVector: { Length: > 0 } unscored } && !Cvss31.TryParse(unscored, out _))
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "CVSS vector", ["text"] = unscored });
        vulnerability["notes"] = notes;
        var status = new JsonObject();
        if (affected.Count > 0) status["known_affected"] = Ids(affected);
        if (products.FixedIds.Count > 0) status["fixed"] = Ids(products.FixedIds);
        if (status.Count > 0) vulnerability["product_status"] = status;
        if (affected.Count > 0)
        {
            vulnerability["remediations"] = new JsonArray(Remediations(draft, products).ToArray<JsonNode?>());
            if (draft.Severity is { } severity && Cvss31.TryParse(severity.CvssVector, out _))
            {
                var score = Cvss31.BaseScore(severity.CvssVector);
                vulnerability["scores"] = new JsonArray(new JsonObject
                {
                    ["cvss_v3"] = new JsonObject
                    {
                        ["version"] = "3.1", ["vectorString"] = severity.CvssVector,
                        ["baseScore"] = score, ["baseSeverity"] = Cvss31.Severity(score),
                    },
                    ["products"] = Ids(affected),
                });
            }
        }
        vulnerability["title"] = draft.Title;
        return vulnerability;
    }

    /// <summary>For the products that have a fix (a range with a fixed version, or a version of a package with one) a
    /// vendor_fix: the team's remediation text, or else the upgrade to the fixed versions. For the others (a range only
    /// introduced or up to a last_affected version) the team's text as a mitigation (a vendor_fix is "an official fix",
    /// CSAF 3.2.3.12, which they have not), or else "none available".</summary>
    private static IEnumerable<JsonNode> Remediations(AdvisoryDraft draft, ProductCatalog products)
    {
        var text = string.IsNullOrWhiteSpace(draft.Remediation) ? null : draft.Remediation;
        var fixedVersions = draft.Affected.SelectMany(p => p.Ranges.SelectMany(r => r.Events).Where(e => e.Fixed is not null)
            .Select(e => $"{p.Name} {e.Fixed}")).ToList();
        var withFix = products.AffectedIds.Where(id => !products.Unfixed.Contains(id)).ToList();
        if (withFix.Count > 0)
            yield return Remediation("vendor_fix", text ?? "Upgrade to a fixed version: " + string.Join(", ", fixedVersions) + ".", withFix);
        var unfixed = products.AffectedIds.Where(products.Unfixed.Contains).ToList();
        if (unfixed.Count > 0)
            yield return text is null ? Remediation("none_available", "No fix is available yet.", unfixed) : Remediation("mitigation", text, unfixed);
    }

    private static JsonNode Remediation(string category, string details, IEnumerable<string> productIds) =>
        new JsonObject { ["category"] = category, ["details"] = details, ["product_ids"] = Ids(productIds) };

    private static string V4NoteText(string vector)
    {
        if (!Cvss40.TryParse(vector, out _)) return vector;
        var score = Cvss40.Score(vector);
        return $"{vector} (CVSS v4.0 score {score.ToString("0.0", CultureInfo.InvariantCulture)}, {Cvss40.Severity(score)})";
    }

    private static JsonNode Acknowledgment(Credit credit)
    {
        var node = new JsonObject { ["names"] = new JsonArray(credit.Name), ["summary"] = CreditNames.Summary(credit) };
        if (CreditNames.ContactUri(credit.Contact) is { } uri && !uri.StartsWith("mailto:", StringComparison.Ordinal))
            node["urls"] = new JsonArray(uri);
        return node;
    }

    private static IEnumerable<JsonNode> DocumentReferences(AdvisoryDraft draft, PublicationMetadata meta)
    {
        yield return new JsonObject { ["category"] = "self", ["summary"] = "Canonical URL", ["url"] = meta.CsafUrl };
        foreach (var r in draft.References)
            yield return new JsonObject { ["category"] = "external", ["summary"] = r.Type, ["url"] = r.Url };
    }

    private static JsonArray Ids(IEnumerable<string> ids) => new(ids.Select(i => (JsonNode?)i).ToArray());

    private sealed class ProductCatalog
    {
        private readonly HashSet<string> keys = [];
        public List<string> AffectedIds { get; } = [];
        public List<string> FixedIds { get; } = [];

        /// <summary>The affected products no fixed version is known for.</summary>
        public HashSet<string> Unfixed { get; } = [];

        /// <returns>The new product's id, or null when a product with this key is defined already.</returns>
        public string? Affected(string key, bool hasFix)
        {
            var id = Define(key, AffectedIds);
            if (id is not null && !hasFix) Unfixed.Add(id);
            return id;
        }

        /// <returns>The new product's id, or null when a product with this key is defined already.</returns>
        public string? Fixed(string key) => Define(key, FixedIds);

        private string? Define(string key, List<string> list)
        {
            if (!keys.Add(key)) return null;
            var id = $"CSAFPID-{keys.Count:D4}";
            list.Add(id);
            return id;
        }
    }
}
