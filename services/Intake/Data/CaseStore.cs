using System.Text.Json;
using Coordination.Contracts.Advisories;
using Dapper;
using Intake.Cases;
using Npgsql;

namespace Intake.Data;

public static class CaseStore
{
    public static readonly AdvisoryDraft EmptyDraft = new("", "", "", [], null, [], [], null, []);

    private const string Columns = "id, status, coordinator_id, opened_by, opened_at, draft_revision";

    private const string InsertSql = """
        INSERT INTO cases (id, status, coordinator_id, opened_by, opened_at, draft_revision, draft)
        VALUES (@Id, @Status, @CoordinatorId, @OpenedBy, @OpenedAt, 0, @Draft::jsonb)
        """;

    private const string GetSql = $"SELECT {Columns} FROM cases WHERE id = @Id";

    private const string GetForUpdateSql = $"SELECT {Columns} FROM cases WHERE id = @Id FOR UPDATE";

    private const string ListSql = $"SELECT {Columns} FROM cases ORDER BY opened_at DESC, id LIMIT @Limit";

    private const string SetInitialDraftSql = "UPDATE cases SET draft = @Draft::jsonb WHERE id = @Id AND draft_revision = 0";

    // A case withdrawn before its advisory was published never used its CVE id (a new case for the issue may take it);
    // one withdrawn after has it in a REJECTED record.
    private const string CaseWithCveIdSql = """
        SELECT c.id FROM cases c
        WHERE c.id <> @Id AND upper(c.draft->>'cveId') = upper(@CveId)
          AND (c.status <> 'withdrawn' OR EXISTS (SELECT FROM audit_log a WHERE a.case_id = c.id AND a.action = 'advisory.published'))
        LIMIT 1
        """;

    private const string GetDraftSql = "SELECT draft_revision AS revision, draft::text AS draft FROM cases WHERE id = @Id";

    // The WHERE on the revision refuses a stale edit without overwriting (optimistic concurrency).
    private const string UpdateDraftSql = """
        UPDATE cases SET draft_revision = draft_revision + 1, draft = @Draft::jsonb
        WHERE id = @Id AND draft_revision = @Expected
        RETURNING draft_revision
        """;

    private const string CurrentRevisionSql = """
        SELECT r.revision, r.draft::text AS draft, r.updated_by, r.updated_at
        FROM cases c JOIN draft_revisions r ON r.case_id = c.id AND r.revision = c.draft_revision
        WHERE c.id = @Id
        """;

    private const string InsertRevisionSql = """
        INSERT INTO draft_revisions (case_id, revision, draft, updated_by, updated_at)
        VALUES (@CaseId, @Revision, @Draft::jsonb, @UpdatedBy, @UpdatedAt)
        """;

    private const string SetStatusSql = "UPDATE cases SET status = @Status WHERE id = @Id";

    private const string RequestWithdrawalSql =
        "UPDATE cases SET status_before_withdrawal = status, status = 'withdrawal-requested' WHERE id = @Id";

    // least() ignores NULL: a broken embargo is disclosed at once, before its announced instant.
    private const string DisclosureInstantSql = "SELECT least(disclosure_at, embargo_broken_at) FROM cases WHERE id = @Id";

    private const string SetCoordinatorSql = "UPDATE cases SET coordinator_id = @CoordinatorId WHERE id = @Id";

    public static Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Case c) =>
        conn.ExecuteAsync(InsertSql, new { c.Id, c.Status, c.CoordinatorId, c.OpenedBy, c.OpenedAt, Draft = Serialize(EmptyDraft) }, tx);

    /// <summary>Sets revision 0, the draft a case opens with (e.g. with the reporters' credits).</summary>
    public static Task SetInitialDraftAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, AdvisoryDraft draft) =>
        conn.ExecuteAsync(SetInitialDraftSql, new { Id = id, Draft = Serialize(draft) }, tx);

    public static Task<Case?> GetAsync(NpgsqlConnection conn, Guid id, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Case>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));

    /// <summary>Another case whose draft names this CVE id (see CaseWithCveIdSql); the id's lock is taken first, so that
    /// two edits giving it to two cases at once are decided one after the other.</summary>
    public static async Task<Guid?> OtherCaseWithCveIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string cveId)
    {
        await conn.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext('cve:' || upper(@CveId)))", new { CveId = cveId }, tx);
        return await conn.QuerySingleOrDefaultAsync<Guid?>(CaseWithCveIdSql, new { Id = id, CveId = cveId }, tx);
    }

    public static Task<Case?> GetForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.QuerySingleOrDefaultAsync<Case>(GetForUpdateSql, new { Id = id }, tx);

    public static async Task<IReadOnlyList<Case>> ListAsync(NpgsqlConnection conn, int limit, CancellationToken ct) =>
        (await conn.QueryAsync<Case>(new CommandDefinition(ListSql, new { Limit = limit }, cancellationToken: ct))).ToList();

    public static async Task<DraftResponse?> GetDraftAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid id)
    {
        var row = await conn.QuerySingleOrDefaultAsync<(int Revision, string Draft)?>(GetDraftSql, new { Id = id }, tx);
        return row is { } r ? new DraftResponse(r.Revision, Deserialize(r.Draft)) : null;
    }

    /// <summary>The case's current draft revision as it was published (null while the case has none).</summary>
    public static async Task<(int Revision, AdvisoryDraft Draft, Guid UpdatedBy, DateTimeOffset UpdatedAt)?> GetCurrentRevisionAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, Guid id)
    {
        var row = await conn.QuerySingleOrDefaultAsync<RevisionRow>(CurrentRevisionSql, new { Id = id }, tx);
        return row is null ? null : (row.Revision, Deserialize(row.Draft), row.UpdatedBy, row.UpdatedAt);
    }

    private sealed record RevisionRow(int Revision, string Draft, Guid UpdatedBy, DateTimeOffset UpdatedAt);

    /// <returns>the new revision, or null when the case's revision is no longer <paramref name="expected"/>.</returns>
    public static async Task<int?> TryUpdateDraftAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, int expected, AdvisoryDraft draft,
        Guid updatedBy, DateTimeOffset at)
    {
        var json = Serialize(draft);
        var revision = await conn.QuerySingleOrDefaultAsync<int?>(UpdateDraftSql, new { Id = id, Expected = expected, Draft = json }, tx);
        if (revision is { } r)
            await conn.ExecuteAsync(InsertRevisionSql, new { CaseId = id, Revision = r, Draft = json, UpdatedBy = updatedBy, UpdatedAt = at }, tx);
        return revision;
    }

    public static Task SetStatusAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string status) =>
        conn.ExecuteAsync(SetStatusSql, new { Id = id, Status = status }, tx);

    /// <summary>Marks the withdrawal requested, keeping the status it had for a refusal to restore.</summary>
    public static Task RequestWithdrawalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.ExecuteAsync(RequestWithdrawalSql, new { Id = id }, tx);

    /// <summary>When the case is disclosed as far as intake has heard from the embargo-scheduler; null without an embargo.</summary>
    public static Task<DateTimeOffset?> DisclosureInstantAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.QuerySingleOrDefaultAsync<DateTimeOffset?>(DisclosureInstantSql, new { Id = id }, tx);

    public static Task SetCoordinatorAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, Guid coordinatorId) =>
        conn.ExecuteAsync(SetCoordinatorSql, new { Id = id, CoordinatorId = coordinatorId }, tx);

    private static string Serialize(AdvisoryDraft draft) => JsonSerializer.Serialize(draft, JsonSerializerOptions.Web);

    private static AdvisoryDraft Deserialize(string json) => JsonSerializer.Deserialize<AdvisoryDraft>(json, JsonSerializerOptions.Web)!;
}
