using System.Text.Json.Nodes;
using Coordination.Contracts.Advisories;

namespace Disclosure.Rendering;

/// <summary>
/// The CSAF 2.0 csaf_security_advisory: TLP WHITE and status final once public; the embargoed preview
/// (<see cref="PublicationMetadata.IsPublic"/> false) is TLP AMBER and status interim.
/// Product tree: vendor (ecosystem) → product_name (package) → one product_version_range per affected range and
/// one product_version per fixed version.
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
            ["branches"] = new JsonArray(g.Select(p => (JsonNode?)PackageBranch(p, products)).ToArray()),
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
            ["notes"] = new JsonArray(new JsonObject { ["category"] = "summary", ["title"] = "Summary", ["text"] = draft.Summary }),
            ["references"] = new JsonArray(DocumentReferences(draft, meta).ToArray<JsonNode?>()),
            ["tracking"] = Tracking(meta),
        };
        if (draft.Credits.Count > 0)
            document["acknowledgments"] = new JsonArray(draft.Credits.Select(Acknowledgment).ToArray<JsonNode?>());

        return new JsonObject
        {
            ["document"] = document,
            ["product_tree"] = new JsonObject { ["branches"] = tree },
            ["vulnerabilities"] = new JsonArray(Vulnerability(draft, meta, products)),
        };
    }

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

    private static JsonNode PackageBranch(AffectedPackage package, ProductCatalog products)
    {
        var leaves = new JsonArray();
        var purlType = package.Purl.StartsWith("pkg:", StringComparison.Ordinal) ? package.Purl[4..].Split('/')[0] : "generic";
        foreach (var range in package.Ranges)
        {
            var id = products.Affected(package.Name + " " + RangeName(range, purlType));
            leaves.Add(Leaf("product_version_range", RangeName(range, purlType), id, $"{package.Name} {RangeName(range, purlType)}", package.Purl));
            foreach (var fixedVersion in range.Events.Where(e => e.Fixed is not null).Select(e => e.Fixed!))
            {
                if (products.Has(package.Name + "@" + fixedVersion)) continue;
                var fixedId = products.Fixed(package.Name + "@" + fixedVersion);
                var purl = range.Type == "GIT" ? null : $"{package.Purl}@{Uri.EscapeDataString(fixedVersion)}";
                leaves.Add(Leaf("product_version", fixedVersion, fixedId, $"{package.Name} {fixedVersion}", purl));
            }
        }
        foreach (var version in package.Versions ?? [])
        {
            if (products.Has(package.Name + "@" + version)) continue;
            var id = products.Affected(package.Name + "@" + version);
            leaves.Add(Leaf("product_version", version, id, $"{package.Name} {version}", $"{package.Purl}@{Uri.EscapeDataString(version)}"));
        }
        return new JsonObject { ["category"] = "product_name", ["name"] = package.Name, ["branches"] = leaves };
    }

    private static JsonNode Leaf(string category, string name, string productId, string fullName, string? purl)
    {
        var product = new JsonObject { ["name"] = fullName, ["product_id"] = productId };
        if (purl is not null) product["product_identification_helper"] = new JsonObject { ["purl"] = purl };
        return new JsonObject { ["category"] = category, ["name"] = name, ["product"] = product };
    }

    /// <summary>A vers-style range ("vers:pypi/&gt;=1.0|&lt;1.2") or, for GIT, the commits.</summary>
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
        var notes = new JsonArray(new JsonObject { ["category"] = "description", ["title"] = "Details", ["text"] = draft.Details });
        if (draft.Cwes.Count > 0)
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "CWE", ["text"] = string.Join(", ", draft.Cwes) });
        if (draft.Severity is { } v4 && Cvss40.IsVector(v4.CvssVector))
            notes.Add(new JsonObject { ["category"] = "other", ["title"] = "CVSS v4.0 vector", ["text"] = v4.CvssVector });
        vulnerability["notes"] = notes;
        var status = new JsonObject();
        if (affected.Count > 0) status["known_affected"] = Ids(affected);
        if (products.FixedIds.Count > 0) status["fixed"] = Ids(products.FixedIds);
        if (status.Count > 0) vulnerability["product_status"] = status;
        if (affected.Count > 0)
        {
            var fixedVersions = draft.Affected.SelectMany(p => p.Ranges.SelectMany(r => r.Events).Where(e => e.Fixed is not null)
                .Select(e => $"{p.Name} {e.Fixed}")).ToList();
            var details = !string.IsNullOrWhiteSpace(draft.Remediation) ? draft.Remediation
                : fixedVersions.Count > 0 ? "Upgrade to a fixed version: " + string.Join(", ", fixedVersions) + "."
                : "No fix is available yet.";
            vulnerability["remediations"] = new JsonArray(new JsonObject
            {
                ["category"] = fixedVersions.Count > 0 || !string.IsNullOrWhiteSpace(draft.Remediation) ? "vendor_fix" : "none_available",
                ["details"] = details,
                ["product_ids"] = Ids(affected),
            });
            if (draft.Severity is { } severity && Cvss31.IsVector(severity.CvssVector))
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

    private static JsonNode Acknowledgment(Credit credit)
    {
        var node = new JsonObject { ["names"] = new JsonArray(credit.Name), ["summary"] = CreditNames.Summary(credit) };
        if (CreditNames.ContactUri(credit.Contact) is { } uri && !uri.StartsWith("mailto:", StringComparison.Ordinal))
            node["urls"] = new JsonArray(uri);
        return node;
    }

    private static IEnumerable<JsonNode> DocumentReferences(AdvisoryDraft draft, PublicationMetadata meta)
    {
        yield return new JsonObject { ["category"] = "self", ["summary"] = "Canonical URL", ["url"] = meta.Url(".csaf.json") };
        foreach (var r in draft.References)
            yield return new JsonObject { ["category"] = "external", ["summary"] = r.Type, ["url"] = r.Url };
    }

    private static JsonArray Ids(IEnumerable<string> ids) => new(ids.Select(i => (JsonNode?)i).ToArray());

    private sealed class ProductCatalog
    {
        private readonly Dictionary<string, string> ids = new();
        public List<string> AffectedIds { get; } = [];
        public List<string> FixedIds { get; } = [];
        public bool Has(string key) => ids.ContainsKey(key);
        public string Affected(string key) => Add(key, AffectedIds);
        public string Fixed(string key) => Add(key, FixedIds);

        private string Add(string key, List<string> list)
        {
            if (ids.TryGetValue(key, out var existing)) return existing;
            var id = $"CSAFPID-{ids.Count + 1:D4}";
            ids[key] = id;
            list.Add(id);
            return id;
        }
    }
}
