using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>
/// What an exclusion does to the case's notices not sent yet (pending or deferred) to contacts of the projects excluded:
/// an Embargoed or Reminder notice is cancelled, and so is any notice to a contact never sent one of the case; a contact
/// told before keeps hearing of the schedule (an extension, a break, the publication, a withdrawal) without the
/// case's details (schedule_only), as the rounds recorded after the exclusion treat it. A notice a sender holds is waited
/// for (its batch's row lock) and judged by the state it committed; one the server already accepted is left alone.
/// When the exclusion is lifted, the notices it cancelled go again where they are still true (CasesApi.PutOverrides).
/// </summary>
public static class ExcludedProjectNotices
{
    /// <summary>The last_error of a notice an exclusion cancelled: how the notices to send again are known.</summary>
    public const string CancelledReason = "cancelled: its project was excluded from the case before it was sent";

    private const string ApplySql = $"""
        WITH told AS (SELECT DISTINCT n.contact_id FROM notices n WHERE n.case_id = @CaseId AND {NoticeStore.WasSent}),
        excluded_open AS (
            SELECT n.id, n.kind IN ('Embargoed', 'Reminder') OR n.contact_id NOT IN (SELECT contact_id FROM told) AS cancel
            FROM notices n LEFT JOIN contacts c ON c.id = n.contact_id
            WHERE n.case_id = @CaseId AND n.state IN ('pending', 'deferred')
              AND (n.project_id = ANY(@Excluded) OR c.project_id = ANY(@Excluded))
              AND NOT {NoticeStore.WasSent})
        UPDATE notices n SET
            state = CASE WHEN o.cancel THEN 'cancelled' ELSE n.state END,
            mode = CASE WHEN o.cancel THEN n.mode ELSE 'schedule_only' END,
            last_error = CASE WHEN o.cancel THEN '{CancelledReason}' ELSE n.last_error END
        FROM excluded_open o
        WHERE n.id = o.id AND n.state IN ('pending', 'deferred') AND (o.cancel OR n.mode <> 'schedule_only')
        RETURNING o.cancel
        """;

    private const string CancelledContactsSql = """
        SELECT DISTINCT n.contact_id FROM notices n LEFT JOIN contacts c ON c.id = n.contact_id
        WHERE n.case_id = @CaseId AND n.state = 'cancelled' AND n.last_error = @Reason
          AND (n.project_id = ANY(@Projects) OR c.project_id = ANY(@Projects))
        """;

    /// <returns>how many notices were cancelled, and how many now go without the case's details.</returns>
    public static async Task<(int Cancelled, int ScheduleOnly)> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] excluded)
    {
        if (excluded.Length == 0) return (0, 0);
        var cancelled = (await conn.QueryAsync<bool>(ApplySql, new { CaseId = caseId, Excluded = excluded }, tx)).ToList();
        return (cancelled.Count(c => c), cancelled.Count(c => !c));
    }

    /// <summary>The contacts of these projects with a notice of the case an exclusion cancelled.</summary>
    public static async Task<Guid[]> CancelledContactsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] projects) =>
        projects.Length == 0 ? [] :
        (await conn.QueryAsync<Guid>(CancelledContactsSql, new { CaseId = caseId, Projects = projects, Reason = CancelledReason }, tx)).ToArray();
}
