using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>Acknowledgements and statuses given through notice links, one per (case, contact).</summary>
public static class AckStore
{
    private const string AckSql = """
        INSERT INTO acknowledgements (case_id, contact_id, acknowledged_at) VALUES (@CaseId, @ContactId, @Now)
        ON CONFLICT (case_id, contact_id) DO NOTHING
        """;

    private const string StatusSql = """
        INSERT INTO acknowledgements (case_id, contact_id, acknowledged_at, status, statement, status_at)
        VALUES (@CaseId, @ContactId, @Now, @Status, @Statement, @Now)
        ON CONFLICT (case_id, contact_id) DO UPDATE SET status = excluded.status, statement = excluded.statement, status_at = excluded.status_at
        """;

    private const string NoticedSql = """
        SELECT EXISTS (SELECT FROM notices n JOIN contacts c ON c.id = n.contact_id WHERE n.case_id = @CaseId AND n.contact_id = @ContactId)
        """;

    private const string GetSql = "SELECT acknowledged_at, status, statement FROM acknowledgements WHERE case_id = @CaseId AND contact_id = @ContactId";

    /// <summary>Whether the contact still exists and a notice about the case was recorded for it: its link works only then.</summary>
    public static Task<bool> NoticedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId) =>
        conn.ExecuteScalarAsync<bool>(NoticedSql, new { CaseId = caseId, ContactId = contactId }, tx);

    /// <returns>true the first time this contact acknowledges this case.</returns>
    public static async Task<bool> AcknowledgeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId, DateTimeOffset now) =>
        await conn.ExecuteAsync(AckSql, new { CaseId = caseId, ContactId = contactId, Now = now }, tx) == 1;

    public static Task SetStatusAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId, string status, string? statement, DateTimeOffset now) =>
        conn.ExecuteAsync(StatusSql, new { CaseId = caseId, ContactId = contactId, Status = status, Statement = statement, Now = now }, tx);

    public static Task<AckRow?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, Guid contactId) =>
        conn.QuerySingleOrDefaultAsync<AckRow?>(GetSql, new { CaseId = caseId, ContactId = contactId }, tx);

    public sealed class AckRow
    {
        public DateTimeOffset AcknowledgedAt { get; init; }
        public string? Status { get; init; }
        public string? Statement { get; init; }
    }
}
