using Coordination.Contracts.Advisories;
using Coordination.Hosting.Validation;
using Dapper;
using DownstreamNotifier.Data;
using DownstreamNotifier.Packages;
using Npgsql;

namespace DownstreamNotifier.Recipients;

/// <summary>
/// Who hears about a case: the contacts of every project that depends on (or ships) an affected package, then,
/// level by level up to the maximum depth, of every project that depends on a package a chosen project ships;
/// plus projects a member included, minus those excluded (the projects depending on what an excluded one ships are still
/// reached through it); each contact (by address) once, as the contact of its projects that can be told most safely
/// (see the end of <see cref="ResolveAsync"/>), with that project's shortest path.
/// A project is visited once, so cycles end. Contacts told earlier are kept whatever the graph says now; those of a
/// project excluded since are marked <see cref="Recipient.Excluded"/>.
/// </summary>
public static class RecipientResolver
{
    private const string ByPackagesSql = """
        SELECT pp.project_id, p.name AS project_name, pp.purl, pp.package_key, pp.relation
        FROM project_packages pp JOIN projects p ON p.id = pp.project_id
        WHERE pp.package_key = ANY(@Keys)
        ORDER BY lower(p.name), pp.purl
        """;

    private const string ShippedSql = """
        SELECT project_id, purl, package_key FROM project_packages WHERE relation = 'ships' AND project_id = ANY(@Ids)
        """;

    private const string ProjectNamesSql = "SELECT id, name FROM projects WHERE id = ANY(@Ids)";

    private const string ContactsSql = """
        SELECT c.id, c.name, c.email, c.project_id, p.name AS project_name, p.channels, c.public_key IS NOT NULL AS has_key,
               c.key_fingerprint, c.key_expires_at, c.time_zone
        FROM contacts c JOIN projects p ON p.id = c.project_id
        WHERE c.project_id = ANY(@Ids) OR c.id = ANY(@ContactIds)
        """;

    /// <remarks>A key holding a NUL (a purl with "%00", which intake once accepted) names no registered package (the
    /// registry refuses them) and PostgreSQL cannot take it as a parameter: it is left out.</remarks>
    public static IEnumerable<string> AffectedKeys(AdvisoryDraft? draft) => AffectedPackages(draft).Select(p => p.Key);

    /// <summary>The packages the draft's affected entries name, normalised as matching sees them, each once.</summary>
    public static IEnumerable<PackageUrl> AffectedPackages(AdvisoryDraft? draft) =>
        (draft?.Affected ?? []).Select(PackageOf).OfType<PackageUrl>().Where(p => !NoNul.Violated(p.Key)).DistinctBy(p => p.Key);

    /// <summary>The affected packages no registered package can match: no purl, and an ecosystem with no purl type here.</summary>
    public static IEnumerable<AffectedPackage> Unmatchable(AdvisoryDraft? draft) => (draft?.Affected ?? []).Where(a => PackageOf(a) is null);

    /// <summary>The normalised key of the package an affected entry names; null when it names none matching can use.</summary>
    public static string? KeyOf(AffectedPackage a) => PackageOf(a) is { } p && !NoNul.Violated(p.Key) ? p.Key : null;

    /// <summary>The package an affected entry names: its purl, or else its OSV ecosystem and name; null when neither maps.</summary>
    private static PackageUrl? PackageOf(AffectedPackage a) =>
        PackageUrl.TryParse(a.Purl, out var p, out _) ? p : PackageUrl.FromEcosystem(a.Ecosystem, a.Name);

    /// <param name="alsoContacts">Contacts to keep whatever the graph says now (e.g. those told earlier), path "notified earlier".</param>
    public static async Task<List<Recipient>> ResolveAsync(NpgsqlConnection conn, Guid caseId, AdvisoryDraft? draft, int maxDepth,
        NpgsqlTransaction? tx = null, IReadOnlyCollection<Guid>? alsoContacts = null)
    {
        var (include, exclude) = await CaseStore.OverridesAsync(conn, caseId, tx);
        var excluded = exclude.ToHashSet();
        var paths = new Dictionary<Guid, List<string>>();
        var order = new List<Guid>();

        // Every project the graph reaches, excluded or not: an excluded project's contacts are left out, not the
        // projects that depend on what it ships.
        var reached = new Dictionary<Guid, List<string>>();
        var frontier = AffectedKeys(draft).ToDictionary(k => k, _ => new List<string>());
        for (var depth = 1; depth <= maxDepth && frontier.Count > 0; depth++)
        {
            var rows = await conn.QueryAsync<ByPackageRow>(ByPackagesSql, new { Keys = frontier.Keys.ToArray() }, tx);
            var reachedNow = new List<Guid>();
            foreach (var r in rows)
            {
                if (reached.ContainsKey(r.ProjectId)) continue;
                var via = frontier.GetValueOrDefault(r.PackageKey) ?? [];
                reached[r.ProjectId] = [r.ProjectName, $"{(r.Relation == PackageRelation.Ships ? "ships" : "depends on")} {r.Purl}", .. via];
                reachedNow.Add(r.ProjectId);
                if (excluded.Contains(r.ProjectId)) continue;
                paths[r.ProjectId] = reached[r.ProjectId];
                order.Add(r.ProjectId);
            }
            // Of two projects reached at this level shipping the same package, the path names the first reached (by name).
            var rankNow = reachedNow.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
            var shipped = (await conn.QueryAsync<ShippedRow>(ShippedSql, new { Ids = reachedNow.ToArray() }, tx))
                .OrderBy(s => rankNow[s.ProjectId]).ThenBy(s => s.Purl, StringComparer.Ordinal);
            frontier = new Dictionary<string, List<string>>();
            foreach (var s in shipped)
                if (!frontier.ContainsKey(s.PackageKey))
                    frontier[s.PackageKey] = reached[s.ProjectId];
        }

        var added = include.Where(id => !paths.ContainsKey(id) && !excluded.Contains(id)).ToArray();
        foreach (var p in await conn.QueryAsync<NameRow>(ProjectNamesSql, new { Ids = added }, tx))
        {
            paths[p.Id] = [p.Name, "added by a member"];
            order.Add(p.Id);
        }

        var rank = order.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var contacts = (await conn.QueryAsync<ContactRow>(ContactsSql, new { Ids = order.ToArray(), ContactIds = (alsoContacts ?? []).ToArray() }, tx)).ToList();
        foreach (var c in contacts.Where(c => !paths.ContainsKey(c.ProjectId)))
        {
            paths[c.ProjectId] = [c.ProjectName, excluded.Contains(c.ProjectId) ? "notified earlier, excluded since" : "notified earlier"];
            rank[c.ProjectId] = rank.Count;
        }
        // One notice per address. An address that is a contact of several projects is taken as the contact that can
        // be told most safely: one that is not excluded, then one with a key, then the shortest path. It is in every
        // channel of all those projects, so one of them requiring encryption requires it for the address.
        return contacts
            .OrderBy(c => excluded.Contains(c.ProjectId)).ThenByDescending(c => c.HasKey)
            .ThenBy(c => paths[c.ProjectId].Count).ThenBy(c => rank[c.ProjectId]).ThenBy(c => c.Email, StringComparer.OrdinalIgnoreCase)
            .GroupBy(c => c.Email.ToLowerInvariant())
            .Select(g => (Chosen: g.First(), Channels: g.SelectMany(c => c.Channels).Distinct(StringComparer.OrdinalIgnoreCase).ToList()))
            .Select(x => new Recipient(x.Chosen.Id, x.Chosen.Name, x.Chosen.Email, x.Chosen.ProjectId, x.Chosen.ProjectName, x.Channels,
                paths[x.Chosen.ProjectId], x.Chosen.HasKey, x.Chosen.KeyFingerprint, x.Chosen.KeyExpiresAt, x.Chosen.TimeZone,
                excluded.Contains(x.Chosen.ProjectId)))
            .ToList();
    }

    private sealed class ByPackageRow { public Guid ProjectId { get; init; } public string ProjectName { get; init; } = ""; public string Purl { get; init; } = ""; public string PackageKey { get; init; } = ""; public string Relation { get; init; } = ""; }

    private sealed class ShippedRow { public Guid ProjectId { get; init; } public string Purl { get; init; } = ""; public string PackageKey { get; init; } = ""; }

    private sealed class NameRow { public Guid Id { get; init; } public string Name { get; init; } = ""; }

    private sealed class ContactRow
    {
        public Guid Id { get; init; }
        public string Name { get; init; } = "";
        public string Email { get; init; } = "";
        public Guid ProjectId { get; init; }
        public string ProjectName { get; init; } = "";
        public string[] Channels { get; init; } = [];
        public bool HasKey { get; init; }
        public string? KeyFingerprint { get; init; }
        public DateTimeOffset? KeyExpiresAt { get; init; }
        public string? TimeZone { get; init; }
    }
}
