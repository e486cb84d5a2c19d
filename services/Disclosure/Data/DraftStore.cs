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

    private const string NewestSql = """
        SELECT revision, draft::text AS draft FROM draft_revisions WHERE case_id = @CaseId AND revision >= @AtLeast
        ORDER BY revision DESC LIMIT 1
        """;

    private const string AddPendingSql = """
        INSERT INTO pending_publications (case_id, revision, reason) VALUES (@CaseId, @Revision, @Reason)
        ON CONFLICT (case_id, revision) DO UPDATE SET reason = excluded.reason
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

    /// <summary>The newest revision received, if any is <paramref name="atLeast"/> or later.</summary>
    public static async Task<(int Revision, AdvisoryDraft Draft)?> GetNewestAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, int atLeast = int.MinValue)
    {
        var row = await conn.QuerySingleOrDefaultAsync<RevisionRow>(NewestSql, new { CaseId = caseId, AtLeast = atLeast }, tx);
        return row is null ? null : (row.Revision, DraftJson.Deserialize(row.Draft));
    }

    /// <param name="reason">Why a revision that has arrived cannot be published; null when none has arrived yet.</param>
    public static Task AddPendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision, string? reason = null) =>
        conn.ExecuteAsync(AddPendingSql, new { CaseId = caseId, Revision = revision, Reason = reason }, tx);

    /// <returns>true when a publication was waiting for this revision or an earlier one (it is removed).</returns>
    public static async Task<bool> TakePendingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision) =>
        await conn.ExecuteAsync(TakePendingSql, new { CaseId = caseId, Revision = revision }, tx) > 0;

    private sealed record RevisionRow(int Revision, string Draft);
}
