using Coordination.Hosting.Validation;
using System.Text.Json.Nodes;
using Coordination.Advisories;
using Coordination.Contracts.Advisories;

namespace Disclosure.Rendering;

/// <summary>
/// The CVE JSON 5 record (state PUBLISHED, REJECTED once the advisory is withdrawn) with the CNA container. There is none without a CVE id.
/// dataVersion "5.1": the record uses nothing beyond 5.1.0, so it validates against 5.1.0 and 5.1.1.
/// </summary>
public static class CveRenderer
{
    public const string DataVersion = "5.1";

    // descriptions[].value and solutions[].value: intake allows longer texts, which OSV and CSAF carry whole.
    private const int MaxText = 4096;

    private static readonly Dictionary<string, string> Collections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["PyPI"] = "https://pypi.org", ["npm"] = "https://www.npmjs.com", ["crates.io"] = "https://crates.io",
        ["Go"] = "https://pkg.go.dev", ["Maven"] = "https://repo.maven.apache.org/maven2", ["NuGet"] = "https://www.nuget.org",
        ["RubyGems"] = "https://rubygems.org", ["Packagist"] = "https://packagist.org", ["Debian"] = "https://tracker.debian.org",
        ["Hex"] = "https://hex.pm", ["Pub"] = "https://pub.dev",
    };

    private static readonly Dictionary<string, string> ReferenceTags = new()
    {
        ["ADVISORY"] = "vendor-advisory", ["FIX"] = "patch", ["REPORT"] = "issue-tracking", ["ARTICLE"] = "technical-description",
        ["PACKAGE"] = "product", ["EVIDENCE"] = "exploit", ["DISCUSSION"] = "mailing-list",
    };

    public static JsonObject? Render(AdvisoryDraft draft, PublicationMetadata meta)
    {
        if (draft.CveId is not { } cveId) return null;
        if (meta.Withdrawn is { } withdrawn) return Rejected(cveId, meta, withdrawn);
        var cna = new JsonObject
        {
            ["providerMetadata"] = ProviderMetadata(meta),
            ["datePublic"] = Timestamps.Rfc3339(meta.Published),
            ["title"] = TextLimit.Cut(draft.Title, 256),
            ["descriptions"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = Description(draft, meta) }),
            ["affected"] = new JsonArray(draft.Affected.SelectMany(Affected).ToArray<JsonNode?>()),
        };
        // The CNA container must include a problem type (CVE rules): without a CWE, the text "n/a", as CVE records write it.
        cna["problemTypes"] = new JsonArray(new JsonObject
        {
            ["descriptions"] = draft.Cwes.Count == 0
                ? new JsonArray(new JsonObject { ["lang"] = "en", ["description"] = "n/a", ["type"] = "text" })
                : new JsonArray(draft.Cwes.Distinct().Select(cwe => (JsonNode?)new JsonObject
                {
                    ["lang"] = "en", ["description"] = cwe, ["cweId"] = cwe, ["type"] = "CWE",
                }).ToArray()),
        });
        cna["references"] = new JsonArray(References(draft, meta).ToArray<JsonNode?>());
        if (draft.Severity is { } severity) cna["metrics"] = new JsonArray(Metric(severity));
        if (!string.IsNullOrWhiteSpace(draft.Remediation))
            cna["solutions"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = RecordText.Shortened(draft.Remediation, MaxText, meta.Url("")) });
        // credits are uniqueItems: the same person with the same role once.
        if (draft.Credits.Count > 0)
            cna["credits"] = new JsonArray(draft.Credits.SelectMany(c => c.Types.Select(t => (c.Name, Type: CreditNames.Cve(t)))).Distinct()
                .Select(c => (JsonNode?)new JsonObject { ["lang"] = "en", ["value"] = c.Name, ["type"] = c.Type }).ToArray());

        return Record(cveId, meta, "PUBLISHED", cna);
    }

    /// <summary>
    /// A withdrawn advisory's record is REJECTED (what OSV's "withdrawn" is in CVE): no longer to be used, with the
    /// withdrawal's reason, and none of the affected products a PUBLISHED record would still claim.
    /// </summary>
    private static JsonObject Rejected(string cveId, PublicationMetadata meta, DateTimeOffset withdrawn)
    {
        var cna = new JsonObject
        {
            ["providerMetadata"] = ProviderMetadata(meta),
            ["rejectedReasons"] = new JsonArray(new JsonObject
            {
                ["lang"] = "en", ["value"] = RecordText.Shortened(meta.WithdrawnReason ?? "Withdrawn.", MaxText, meta.Url("")),
            }),
        };
        var record = Record(cveId, meta, "REJECTED", cna);
        record["cveMetadata"]!["dateRejected"] = Timestamps.Rfc3339(withdrawn);
        return record;
    }

    private static JsonObject Record(string cveId, PublicationMetadata meta, string state, JsonObject cna) => new()
    {
        ["dataType"] = "CVE_RECORD",
        ["dataVersion"] = DataVersion,
        ["cveMetadata"] = new JsonObject
        {
            ["cveId"] = cveId,
            ["assignerOrgId"] = meta.CnaOrgId.ToString(),
            ["assignerShortName"] = meta.CnaShortName,
            ["state"] = state,
            ["datePublished"] = Timestamps.Rfc3339(meta.Published),
            ["dateUpdated"] = Timestamps.Rfc3339(meta.Modified),
        },
        ["containers"] = new JsonObject { ["cna"] = cna },
    };

    private static JsonObject ProviderMetadata(PublicationMetadata meta) => new()
    {
        ["orgId"] = meta.CnaOrgId.ToString(),
        ["shortName"] = meta.CnaShortName,
        ["dateUpdated"] = Timestamps.Rfc3339(meta.Modified),
    };

    /// <summary>Summary and details (the title when both are empty), shortened to the schema's limit.</summary>
    private static string Description(AdvisoryDraft draft, PublicationMetadata meta)
    {
        var text = RecordText.Paragraphs(draft.Summary, draft.Details);
        return RecordText.Shortened(text.Length > 0 ? text : draft.Title, MaxText, meta.Url(""));
    }

    private static JsonNode Metric(Severity severity)
    {
        // Scored only when complete: a draft stored before intake checked vectors may hold one that is not.
        if (Cvss31.TryParse(severity.CvssVector, out _))
        {
            var score = Cvss31.BaseScore(severity.CvssVector);
            return new JsonObject
            {
                ["format"] = "CVSS",
                ["scenarios"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = "GENERAL" }),
                ["cvssV3_1"] = new JsonObject
                {
                    ["version"] = "3.1", ["vectorString"] = severity.CvssVector,
                    ["baseScore"] = score, ["baseSeverity"] = Cvss31.Severity(score),
                },
            };
        }
        if (Cvss40.TryParse(severity.CvssVector, out _))
        {
            // baseScore is CVSS-B: a vector's threat and environmental metrics are in its vectorString, not its base score.
            var score = Cvss40.BaseScore(severity.CvssVector);
            return new JsonObject
            {
                ["format"] = "CVSS",
                ["scenarios"] = new JsonArray(new JsonObject { ["lang"] = "en", ["value"] = "GENERAL" }),
                ["cvssV4_0"] = new JsonObject
                {
                    ["version"] = "4.0", ["vectorString"] = severity.CvssVector,
                    ["baseScore"] = score, ["baseSeverity"] = Cvss40.Severity(score),
                },
            };
        }
        // Any other vector (e.g. CVSS 3.0, an incomplete 3.1 one, or a 4.0 vector out of the specified order) travels as an "other" metric,
        // never with a score we did not compute.
        return new JsonObject
        {
            ["format"] = "CVSS",
            ["other"] = new JsonObject
            {
                ["type"] = Cvss40.IsVector(severity.CvssVector) ? "CVSS_V4_VECTOR" : "CVSS_VECTOR",
                ["content"] = new JsonObject { ["vectorString"] = severity.CvssVector },
            },
        };
    }

    /// <summary>
    /// One entry per repository the package's GIT ranges name (an entry has one repo, and commits are versions of
    /// theirs), the first also with the package's other ranges and versions; one entry when no range names a repo.
    /// </summary>
    private static IEnumerable<JsonNode> Affected(AffectedPackage package)
    {
        var repos = package.Ranges.Select(r => r.Repo).OfType<string>().Distinct().ToList<string?>();
        if (repos.Count == 0) repos.Add(null);
        for (var i = 0; i < repos.Count; i++)
        {
            var repo = repos[i];
            var ranges = package.Ranges.Where(r => r.Repo == repo || (i == 0 && r.Repo is null)).ToList();
            yield return Entry(package, repo, ranges, i == 0 ? package.Versions : null, first: i == 0);
        }
    }

    private static JsonNode Entry(AffectedPackage package, string? repo, IReadOnlyList<VersionRange> ranges, IReadOnlyList<string>? explicitVersions,
        bool first)
    {
        var node = new JsonObject();
        if (Collections.TryGetValue(package.Ecosystem, out var collection)) node["collectionURL"] = collection;
        else node["vendor"] = package.Ecosystem;
        node["packageName"] = package.Name;
        node["product"] = package.Name;
        if (repo is not null) node["repo"] = repo;
        var versions = Versions(package.Ecosystem, ranges, explicitVersions).DistinctBy(v => v.ToJsonString()).ToArray<JsonNode?>(); // uniqueItems
        // Only the package's first entry says what its versions not listed are: a later one (another repository's
        // commits) saying "unaffected" would contradict the first's ranges for the same package (the CVE schema reads
        // each product's defaultStatus for any version its versions do not list).
        if (first || versions.Length == 0) node["defaultStatus"] = versions.Length > 0 ? "unaffected" : "affected";
        if (versions.Length > 0) node["versions"] = new JsonArray(versions);
        return node;
    }

    /// <summary>One version range per 'introduced' and the event closing it, the next one (intake accepts SEMVER and
    /// ECOSYSTEM events only in that order); a GIT range with more than one introduced commit, or whose events do not
    /// alternate so, see <see cref="GitVersions"/>.</summary>
    private static IEnumerable<JsonNode> Versions(string ecosystem, IReadOnlyList<VersionRange> ranges, IReadOnlyList<string>? explicitVersions)
    {
        foreach (var range in ranges)
        {
            var versionType = range.Type switch { "GIT" => "git", "SEMVER" => "semver", _ => ecosystem.ToLowerInvariant() };
            // Several introduced commits: their order in the list means nothing for GIT (OSV), so no pairing by it.
            if (range.Type == "GIT" && (!Alternates(range.Events) || range.Events.Count(e => e.Introduced is not null) > 1))
            {
                foreach (var node in GitVersions(range.Events)) yield return node;
                continue;
            }
            string? start = null;
            foreach (var e in range.Events)
            {
                if (e.Introduced is not null) { start = e.Introduced; continue; }
                if (start is null) continue;
                var node = new JsonObject { ["version"] = start, ["status"] = "affected" };
                if (e.Fixed is not null) node["lessThan"] = e.Fixed;
                else if (e.LastAffected is not null) node["lessThanOrEqual"] = e.LastAffected;
                else node["lessThan"] = e.Limit;
                node["versionType"] = versionType;
                yield return node;
                start = null;
            }
            if (start is not null)
                yield return new JsonObject { ["version"] = start, ["status"] = "affected", ["lessThan"] = "*", ["versionType"] = versionType };
        }
        foreach (var v in explicitVersions ?? [])
            yield return new JsonObject { ["version"] = v, ["status"] = "affected" };
    }

    private static bool Alternates(IReadOnlyList<RangeEvent> events) =>
        events.Select((e, i) => (e.Introduced is not null) == (i % 2 == 0)).All(ok => ok);

    /// <summary>
    /// GIT events have no order (OSV): a commit after any 'introduced' is affected until it contains any 'fixed' or
    /// 'limit' commit (a fix cherry-picked onto two branches is two of them), or up to a 'last_affected' one. So each
    /// introduced commit is a range to "*" whose status changes to unaffected at every fix, or one to each last_affected.
    /// With last_affected commits a limit only bounds the search: a range to "*" would call the commits after the last
    /// affected one affected, which OSV does not.
    /// </summary>
    private static IEnumerable<JsonNode> GitVersions(IReadOnlyList<RangeEvent> events)
    {
        var fixes = events.Select(e => e.Fixed ?? e.Limit).OfType<string>().Distinct().ToList();
        var lastAffected = events.Select(e => e.LastAffected).OfType<string>().Distinct().ToList();
        foreach (var introduced in events.Select(e => e.Introduced).OfType<string>().Distinct())
        {
            foreach (var last in lastAffected)
                yield return new JsonObject { ["version"] = introduced, ["status"] = "affected", ["lessThanOrEqual"] = last, ["versionType"] = "git" };
            if (lastAffected.Count > 0) continue;
            var node = new JsonObject { ["version"] = introduced, ["status"] = "affected", ["lessThan"] = "*", ["versionType"] = "git" };
            if (fixes.Count > 0)
                node["changes"] = new JsonArray(fixes.Select(f => (JsonNode?)new JsonObject { ["at"] = f, ["status"] = "unaffected" }).ToArray());
            yield return node;
        }
    }

    private static IEnumerable<JsonNode> References(AdvisoryDraft draft, PublicationMetadata meta)
    {
        yield return new JsonObject { ["url"] = meta.Url(""), ["tags"] = new JsonArray("vendor-advisory") };
        foreach (var r in draft.References.DistinctBy(r => r.Url).Where(r => r.Url != meta.Url("")))
        {
            var node = new JsonObject { ["url"] = r.Url };
            if (ReferenceTags.TryGetValue(r.Type, out var tag)) node["tags"] = new JsonArray(tag);
            yield return node;
        }
    }
}
