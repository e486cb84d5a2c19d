using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>
/// What an exclusion does to the case's notices not sent yet (pending or deferred) to contacts of the projects excluded:
/// an Embargoed or Reminder notice is cancelled, and so is any notice to a contact never sent one of the case; a contact
/// told before keeps hearing of the schedule (an extension, a break, the publication, a withdrawal) without the
/// case's details (schedule_only), as the rounds recorded after the exclusion treat it. A notice a sender holds is waited
/// for (its batch's row lock) and judged by the state it committed; one the server already accepted is left alone.
/// When the exclusion is lifted, the notices it cancelled go again where they are still true (CasesApi.PutOverrides),
/// and those not sent yet that go without the details get them back (<see cref="RestoreDetailsAsync"/>).
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

    private const string StrippedSql = """
        SELECT n.id, n.contact_id FROM notices n LEFT JOIN contacts c ON c.id = n.contact_id
        WHERE n.case_id = @CaseId AND n.state IN ('pending', 'deferred') AND n.mode = 'schedule_only'
          AND (n.project_id = ANY(@Projects) OR c.project_id = ANY(@Projects))
          AND NOT EXISTS (SELECT FROM notice_acceptances a WHERE a.notice_id = n.id)
        FOR UPDATE OF n
        """;

    private const string SetModesSql = "UPDATE notices SET mode = m.mode FROM unnest(@Ids::bigint[], @Modes::text[]) AS m(id, mode) WHERE notices.id = m.id";

    /// <returns>how many notices were cancelled, and how many now go without the case's details.</returns>
    public static async Task<(int Cancelled, int ScheduleOnly)> ApplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] excluded)
    {
        if (excluded.Length == 0) return (0, 0);
        await NoticeStore.LockProjectsOpenNoticesAsync(conn, tx, caseId, excluded);
        var cancelled = (await conn.QueryAsync<bool>(ApplySql, new { CaseId = caseId, Excluded = excluded }, tx)).ToList();
        return (cancelled.Count(c => c), cancelled.Count(c => !c));
    }

    /// <summary>The contacts of these projects with a notice of the case an exclusion cancelled.</summary>
    public static async Task<Guid[]> CancelledContactsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] projects) =>
        projects.Length == 0 ? [] :
        (await conn.QueryAsync<Guid>(CancelledContactsSql, new { CaseId = caseId, Projects = projects, Reason = CancelledReason }, tx)).ToArray();

    /// <summary>
    /// Gives the notices not sent yet to contacts of <paramref name="projects"/> (no longer excluded) that go without the
    /// case's details (stripped by the exclusion, or recorded while it stood) the mode a round recorded now would choose,
    /// unless the contact is still excluded (an address that is a contact of a project still excluded). A notice a sender
    /// holds is waited for and judged by the state it committed; the caller holds the case's lock.
    /// </summary>
    /// <returns>how many notices carry the details again.</returns>
    public static async Task<int> RestoreDetailsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] projects,
        NotifierOptions options, DateTimeOffset now)
    {
        if (projects.Length == 0) return 0;
        await NoticeStore.LockProjectsOpenNoticesAsync(conn, tx, caseId, projects);
        var stripped = (await conn.QueryAsync<(long Id, Guid ContactId)>(StrippedSql, new { CaseId = caseId, Projects = projects }, tx)).ToList();
        if (stripped.Count == 0 || await CaseStore.EmbargoAsync(conn, caseId, tx) is not { } embargo) return 0;
        var recipients = await Apis.ResendNotices.RecipientsNowAsync(conn, tx, caseId, options);
        var restored = stripped
            .Select(n => (n.Id, Recipient: recipients.GetValueOrDefault(n.ContactId)))
            .Where(n => n.Recipient is { Excluded: false })
            .Select(n => (n.Id, Mode: Delivery.NoticeModes.For(n.Recipient!, options, embargo.Channels, now)))
            .ToList();
        if (restored.Count > 0)
            await conn.ExecuteAsync(SetModesSql, new { Ids = restored.Select(n => n.Id).ToArray(), Modes = restored.Select(n => n.Mode).ToArray() }, tx);
        return restored.Count;
    }
}
