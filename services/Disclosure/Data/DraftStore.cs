using Coordination.Contracts.Advisories;
using Dapper;
using Npgsql;

namespace Disclosure.Data;

/// <summary>Draft revisions received and publications waiting for theirs.</summary>
public static class DraftStore
{
    private const string InsertSql = """
        INSERT INTO draft_revisions (case_id, revision, draft, updated_at)
        VALUES (@CaseId, @Revision, @Draft::jsonb, @UpdatedAt)
        ON CONFLICT (case_id, revision) DO NOTHING
        """;

    private const string GetSql = "SELECT draft::text FROM draft_revisions WHERE case_id = @CaseId AND revision = @Revision";

    private const string LatestSql = """
        SELECT revision, draft::text AS draft FROM draft_revisions WHERE case_id = @CaseId ORDER BY revision DESC LIMIT 1
        """;

    private const string AddPendingSql = """
        INSERT INTO pending_publications (case_id, revision) VALUES (@CaseId, @Revision) ON CONFLICT DO NOTHING
        """;

    // A later revision completes a publication too: its instant has passed, and the newest draft is what should go out
    // (this also covers a PublishAdvisory for revision 0, sent when no draft existed at the instant).
    private const string TakePendingSql = "DELETE FROM pending_publications WHERE case_id = @CaseId AND revision <= @Revision";

    private const string LockCaseSql = "SELECT pg_advisory_xact_lock(hashtext('disclosure-case'), hashtext(@CaseId::text))";

    /// <summary>One writer per case at a time, whichever instance and consumer: held until the transaction ends.</summary>
    public static Task LockCaseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId) =>
        conn.ExecuteAsync(LockCaseSql, new { CaseId = caseId }, tx);

    public static Task SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision, AdvisoryDraft draft, DateTimeOffset updatedAt) =>
        conn.ExecuteAsync(InsertSql, new { CaseId = caseId, Revision = revision, Draft = DraftJson.Serialize(draft), UpdatedAt = updatedAt }, tx);

    public static async Task<AdvisoryDraft?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, int revision)
    {
        var json = await conn.QuerySingleOrDefaultAsync<string>(GetSql, new { CaseId = caseId, Revision = revision }, tx);
        return json is null ? null : DraftJson.Deserialize(json);
    }

    public static async Task<(int Revision, AdvisoryDraft Draft)?> GetLatestAsync(NpgsqlConnection conn, Guid caseId)
    {
        var row = await conn.QuerySingleOrDefaultAsync<LatestRow>(LatestSql, new { CaseId = caseId });
        return row is null ? null : (row.Revision, DraftJson.Deserialize(row.Draft));
    }

    public static Task AddPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision) =>
        conn.ExecuteAsync(AddPendingSql, new { CaseId = caseId, Revision = revision }, tx);

    /// <returns>true when a publication was waiting for this revision or an earlier one (it is removed).</returns>
    public static async Task<bool> TakePendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision) =>
        await conn.ExecuteAsync(TakePendingSql, new { CaseId = caseId, Revision = revision }, tx) > 0;

    private sealed record LatestRow(int Revision, string Draft);
}
