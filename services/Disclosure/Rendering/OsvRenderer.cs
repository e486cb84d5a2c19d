using System.Text.Json.Nodes;
using Coordination.Advisories;
using Coordination.Contracts.Advisories;

namespace Disclosure.Rendering;

/// <summary>The OSV record (schema 1.7).</summary>
public static class OsvRenderer
{
    public const string SchemaVersion = "1.7.5";

    public static JsonObject Render(AdvisoryDraft draft, PublicationMetadata meta)
    {
        var osv = new JsonObject
        {
            ["schema_version"] = SchemaVersion,
            ["id"] = meta.AdvisoryId,
            ["modified"] = Timestamps.Rfc3339(meta.Modified),
            ["published"] = Timestamps.Rfc3339(meta.Published),
        };
        if (meta.Withdrawn is { } withdrawn) osv["withdrawn"] = Timestamps.Rfc3339(withdrawn);
        if (draft.CveId is { } cve) osv["aliases"] = new JsonArray(cve);
        osv["summary"] = draft.Title;
        osv["details"] = Details(draft);
        if (draft.Severity is { } severity)
            osv["severity"] = new JsonArray(new JsonObject
            {
                ["type"] = CvssVector.OsvType(severity.CvssVector),
                ["score"] = severity.CvssVector,
            });
        osv["affected"] = new JsonArray(draft.Affected.Select(Affected).ToArray<JsonNode?>());
        osv["references"] = new JsonArray(References(draft, meta).ToArray<JsonNode?>());
        if (draft.Credits.Count > 0)
            osv["credits"] = new JsonArray(draft.Credits.SelectMany(Credits).ToArray<JsonNode?>());
        var specific = new JsonObject();
        if (draft.Cwes.Count > 0) specific["cwe_ids"] = new JsonArray(draft.Cwes.Select(c => (JsonNode?)c).ToArray());
        if (meta.WithdrawnReason is { } reason) specific["withdrawn_reason"] = reason;
        if (specific.Count > 0) osv["database_specific"] = specific;
        return osv;
    }

    private static string Details(AdvisoryDraft draft) => RecordText.Paragraphs(draft.Summary, draft.Details, draft.Remediation);

    private static JsonNode Affected(AffectedPackage package)
    {
        var node = new JsonObject
        {
            ["package"] = new JsonObject { ["ecosystem"] = package.Ecosystem, ["name"] = package.Name, ["purl"] = Canonical(package.Purl) },
        };
        if (package.Ranges.Count > 0)
            node["ranges"] = new JsonArray(package.Ranges.Select(Range).ToArray<JsonNode?>());
        if (package.Versions is { Count: > 0 } versions)
            node["versions"] = new JsonArray(versions.Select(v => (JsonNode?)v).ToArray());
        return node;
    }

    // As CSAF writes it (drafts accepted before intake stored purls canonical may say "pkg://pypi/foo").
    private static string Canonical(string purl) => Purl.TryParse(purl, out var parsed, out _) ? parsed!.ToString() : purl;

    private static JsonNode Range(VersionRange range)
    {
        var node = new JsonObject { ["type"] = range.Type };
        if (range.Repo is not null) node["repo"] = range.Repo;
        node["events"] = new JsonArray(range.Events.Select(Event).ToArray<JsonNode?>());
        return node;
    }

    private static JsonNode Event(RangeEvent e) =>
        e.Introduced is not null ? new JsonObject { ["introduced"] = e.Introduced }
        : e.Fixed is not null ? new JsonObject { ["fixed"] = e.Fixed }
        : e.LastAffected is not null ? new JsonObject { ["last_affected"] = e.LastAffected }
        : new JsonObject { ["limit"] = e.Limit };

    private static IEnumerable<JsonNode> References(AdvisoryDraft draft, PublicationMetadata meta)
    {
        yield return new JsonObject { ["type"] = "ADVISORY", ["url"] = meta.Url("") };
        foreach (var r in draft.References)
            yield return new JsonObject { ["type"] = r.Type, ["url"] = r.Url };
    }

    private static IEnumerable<JsonNode> Credits(Credit credit) =>
        credit.Types.Select(type =>
        {
            var node = new JsonObject { ["name"] = credit.Name };
            if (CreditNames.ContactUri(credit.Contact) is { } contact) node["contact"] = new JsonArray(contact);
            node["type"] = type;
            return (JsonNode)node;
        });
}
