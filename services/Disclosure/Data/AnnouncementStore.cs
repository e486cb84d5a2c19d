using Dapper;
using Npgsql;

namespace Disclosure.Data;

/// <summary>The durable announcement queue.</summary>
public static class AnnouncementStore
{
    private const string EnqueueSql = """
        INSERT INTO announcements (case_id, version, recipient, subject, body)
        VALUES (@CaseId, @Version, @Recipient, @Subject, @Body)
        ON CONFLICT (case_id, version) DO NOTHING;
        SELECT pg_notify('disclosure_announcements', '');
        """;

    // Held FOR UPDATE while sending, so another instance skips the row instead of sending it too.
    private const string ClaimSql = """
        SELECT id, case_id, version, recipient, subject, body, attempts FROM announcements
        WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= now()
        ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED
        """;

    private const string SentSql = "UPDATE announcements SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = @Id";

    private const string FailedSql = """
        UPDATE announcements SET attempts = attempts + 1, last_error = @Error,
            next_attempt_at = now() + make_interval(secs => @DelaySeconds),
            given_up_at = CASE WHEN @GiveUp THEN now() END
        WHERE id = @Id
        """;

    public static Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int version, string recipient, string subject, string body) =>
        conn.ExecuteAsync(EnqueueSql, new { CaseId = caseId, Version = version, Recipient = recipient, Subject = subject, Body = body }, tx);

    public static Task<AnnouncementRow?> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.QuerySingleOrDefaultAsync<AnnouncementRow>(ClaimSql, transaction: tx);

    public static Task MarkSentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id) =>
        conn.ExecuteAsync(SentSql, new { Id = id }, tx);

    public static Task MarkFailedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string error, double delaySeconds, bool giveUp) =>
        conn.ExecuteAsync(FailedSql, new { Id = id, Error = error, DelaySeconds = delaySeconds, GiveUp = giveUp }, tx);
}
