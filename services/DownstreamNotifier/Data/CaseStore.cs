using System.Text.Json;
using Coordination.Contracts.Advisories;
using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>The notifier's private copies of each case's draft and embargo, and the members' recipient overrides.</summary>
public static class CaseStore
{
    private const string UpsertDraftSql = """
        INSERT INTO case_drafts (case_id, revision, draft, updated_at) VALUES (@CaseId, @Revision, @Draft::jsonb, @UpdatedAt)
        ON CONFLICT (case_id) DO UPDATE SET revision = excluded.revision, draft = excluded.draft, updated_at = excluded.updated_at
        WHERE case_drafts.revision < excluded.revision
        """;

    private const string DraftSql = "SELECT draft::text FROM case_drafts WHERE case_id = @CaseId";

    private const string DraftRevisionSql = "SELECT revision FROM case_drafts WHERE case_id = @CaseId";

    // Messages come in any order, and an extension only ever moves the instant later: the latest instant is the current one.
    private const string UpsertEmbargoSql = """
        INSERT INTO case_embargoes (case_id, disclosure_at, channels) VALUES (@CaseId, @DisclosureAt, @Channels)
        ON CONFLICT (case_id) DO UPDATE SET disclosure_at = GREATEST(case_embargoes.disclosure_at, excluded.disclosure_at), channels = excluded.channels
        """;

    private const string InsertEmbargoSql = """
        INSERT INTO case_embargoes (case_id, disclosure_at, channels) VALUES (@CaseId, @DisclosureAt, @Channels) ON CONFLICT (case_id) DO NOTHING
        """;

    // How an embargo ended only moves forward: a withdrawal or the publication is final, a break may become public.
    private const string EndEmbargoSql = """
        INSERT INTO case_embargoes (case_id, disclosure_at, channels, ended, ended_at) VALUES (@CaseId, @DisclosureAt, @Channels, @Ended, @EndedAt)
        ON CONFLICT (case_id) DO UPDATE SET
            ended = CASE WHEN case_embargoes.ended IN ('withdrawn', 'public') THEN case_embargoes.ended ELSE excluded.ended END,
            ended_at = COALESCE(case_embargoes.ended_at, excluded.ended_at)
        """;

    private const string EmbargoSql = "SELECT disclosure_at, channels, ended, ended_at FROM case_embargoes WHERE case_id = @CaseId";

    private const string OverridesSql = "SELECT project_id, mode FROM recipient_overrides WHERE case_id = @CaseId";

    private const string DeleteOverridesSql = "DELETE FROM recipient_overrides WHERE case_id = @CaseId";

    private const string InsertOverrideSql = """
        INSERT INTO recipient_overrides (case_id, project_id, mode) VALUES (@CaseId, @ProjectId, @Mode)
        ON CONFLICT (case_id, project_id) DO UPDATE SET mode = excluded.mode
        """;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <returns>1 when this revision is newer than the one kept (and now kept), 0 otherwise.</returns>
    public static Task<int> UpsertDraftAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision, AdvisoryDraft draft, DateTimeOffset updatedAt) =>
        conn.ExecuteAsync(UpsertDraftSql, new { CaseId = caseId, Revision = revision, Draft = JsonSerializer.Serialize(draft, Json), UpdatedAt = updatedAt }, tx);

    public static Task<int?> DraftRevisionAsync(NpgsqlConnection conn, Guid caseId, NpgsqlTransaction? tx) =>
        conn.QuerySingleOrDefaultAsync<int?>(DraftRevisionSql, new { CaseId = caseId }, tx);

    public static async Task<AdvisoryDraft?> DraftAsync(NpgsqlConnection conn, Guid caseId, NpgsqlTransaction? tx = null) =>
        await conn.QuerySingleOrDefaultAsync<string>(DraftSql, new { CaseId = caseId }, tx) is { } json
            ? JsonSerializer.Deserialize<AdvisoryDraft>(json, Json)
            : null;

    /// <summary>Keeps the embargo's instant and channels unless the case has them already (from a round of the saga,
    /// which carries the current instant).</summary>
    public static Task InsertEmbargoAsync(NpgsqlConnection conn, Guid caseId, DateTimeOffset disclosureAt, IEnumerable<string> channels) =>
        conn.ExecuteAsync(InsertEmbargoSql, new { CaseId = caseId, DisclosureAt = disclosureAt, Channels = channels.ToArray() });

    /// <summary>Records the instant of an Embargoed or Extended round; never moves it earlier.</summary>
    public static Task UpsertEmbargoAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, DateTimeOffset disclosureAt, IEnumerable<string> channels) =>
        conn.ExecuteAsync(UpsertEmbargoSql, new { CaseId = caseId, DisclosureAt = disclosureAt, Channels = channels.ToArray() }, tx);

    /// <summary>Records how the case's embargo ended (<see cref="CaseEmbargo.Withdrawn"/>, ...; never back to running).</summary>
    public static Task EndEmbargoAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, string ended, DateTimeOffset endedAt,
        DateTimeOffset disclosureAt, IEnumerable<string> channels) =>
        conn.ExecuteAsync(EndEmbargoSql, new { CaseId = caseId, DisclosureAt = disclosureAt, Channels = channels.ToArray(), Ended = ended, EndedAt = endedAt }, tx);

    public static async Task<CaseEmbargo?> EmbargoAsync(NpgsqlConnection conn, Guid caseId, NpgsqlTransaction? tx = null)
    {
        var row = await conn.QuerySingleOrDefaultAsync<EmbargoRow>(EmbargoSql, new { CaseId = caseId }, tx);
        return row is null ? null : new CaseEmbargo(row.DisclosureAt, row.Channels, row.Ended, row.EndedAt);
    }

    public static async Task<(List<Guid> Include, List<Guid> Exclude)> OverridesAsync(NpgsqlConnection conn, Guid caseId, NpgsqlTransaction? tx = null)
    {
        var rows = (await conn.QueryAsync<OverrideRow>(OverridesSql, new { CaseId = caseId }, tx)).ToList();
        return (rows.Where(r => r.Mode == "include").Select(r => r.ProjectId).ToList(),
                rows.Where(r => r.Mode == "exclude").Select(r => r.ProjectId).ToList());
    }

    public static async Task ReplaceOverridesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, IEnumerable<Guid> include, IEnumerable<Guid> exclude)
    {
        await conn.ExecuteAsync(DeleteOverridesSql, new { CaseId = caseId }, tx);
        var rows = include.Select(p => new { CaseId = caseId, ProjectId = p, Mode = "include" })
            .Concat(exclude.Select(p => new { CaseId = caseId, ProjectId = p, Mode = "exclude" })).ToList();
        if (rows.Count > 0) await conn.ExecuteAsync(InsertOverrideSql, rows, tx);
    }

    private sealed class EmbargoRow
    {
        public DateTimeOffset DisclosureAt { get; init; }
        public string[] Channels { get; init; } = [];
        public string? Ended { get; init; }
        public DateTimeOffset? EndedAt { get; init; }
    }

    private sealed class OverrideRow { public Guid ProjectId { get; init; } public string Mode { get; init; } = ""; }
}
