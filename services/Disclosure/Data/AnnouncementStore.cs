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
        SELECT id, case_id, version, recipient, subject, body, attempts,
               EXISTS (SELECT 1 FROM advisories a WHERE a.case_id = announcements.case_id AND a.withdrawn_at IS NOT NULL) AS withdrawn
        FROM announcements
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

    private const string DropWithdrawn = "UPDATE announcements SET given_up_at = now(), last_error = 'the advisory was withdrawn before this was sent' ";

    private const string WithdrawnSql = DropWithdrawn + "WHERE id = @Id";

    // Waits for a send in progress (the row is locked then): the list then has the announcement before the withdrawal
    // commits, never after it.
    private const string DropUnsentSql = DropWithdrawn + "WHERE case_id = @CaseId AND sent_at IS NULL AND given_up_at IS NULL";

    // An announcement the list has not accepted yet tells of the advisory as it is now. It waits for a send in progress
    // (the row is locked then) and finds it sent, or failed and still to go.
    private const string ReviseUnsentSql = """
        UPDATE announcements SET subject = @Subject, body = @Body
        WHERE case_id = @CaseId AND sent_at IS NULL AND given_up_at IS NULL
        """;

    public static Task EnqueueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int version, string recipient, string subject, string body) =>
        conn.ExecuteAsync(EnqueueSql, new { CaseId = caseId, Version = version, Recipient = recipient, Subject = subject, Body = body }, tx);

    public static Task<AnnouncementRow?> ClaimAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.QuerySingleOrDefaultAsync<AnnouncementRow>(ClaimSql, transaction: tx);

    public static Task MarkSentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id) =>
        conn.ExecuteAsync(SentSql, new { Id = id }, tx);

    public static Task MarkFailedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id, string error, double delaySeconds, bool giveUp) =>
        conn.ExecuteAsync(FailedSql, new { Id = id, Error = error, DelaySeconds = delaySeconds, GiveUp = giveUp }, tx);

    /// <summary>The case's advisory is being withdrawn: an announcement not sent yet never goes.</summary>
    public static Task DropUnsentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId) =>
        conn.ExecuteAsync(DropUnsentSql, new { CaseId = caseId }, tx);

    /// <summary>The advisory was withdrawn before its announcement went out: it never goes.</summary>
    public static Task MarkWithdrawnAsync(NpgsqlConnection conn, NpgsqlTransaction tx, long id) =>
        conn.ExecuteAsync(WithdrawnSql, new { Id = id }, tx);

    /// <summary>A later version of the advisory: the case's announcement not sent yet takes its subject and text.</summary>
    public static Task ReviseUnsentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, string subject, string body) =>
        conn.ExecuteAsync(ReviseUnsentSql, new { CaseId = caseId, Subject = subject, Body = body }, tx);
}
