using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>What members see of a case's notices.</summary>
public static class CaseNoticesStore
{
    private const string NoticesSql = """
        SELECT n.id AS notice_id, n.notification_id, n.contact_id, n.project_id, n.email, n.kind, n.mode, n.path, n.state, n.attempts,
               n.last_error, n.server_reply, n.sent_at, n.next_attempt_at, a.acknowledged_at, a.status, a.statement
        FROM notices n LEFT JOIN acknowledgements a ON a.case_id = n.case_id AND a.contact_id = n.contact_id AND lower(a.email) = lower(n.email)
        WHERE n.case_id = @CaseId
        ORDER BY n.id
        """;

    public static async Task<List<CaseNotice>> NoticesAsync(NpgsqlConnection conn, Guid caseId) =>
        (await conn.QueryAsync<CaseNotice>(NoticesSql, new { CaseId = caseId })).ToList();
}
