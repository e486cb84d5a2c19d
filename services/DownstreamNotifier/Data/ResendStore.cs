using Dapper;
using DownstreamNotifier.Recipients;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>
/// Reads a case's failed and cancelled notices and puts those chosen back in the senders' queue (see ResendRule). A
/// cancelled one is either a withdrawal's (the rule refuses it: the embargo ended) or an exclusion's, which goes again
/// once its project is a recipient again.
/// </summary>
public static class ResendStore
{
    // A notice the server accepted is not failed, whatever its row says (see NoticeStore.WasSent); none should be.
    private const string FailedSql = $"""
        SELECT n.id AS notice_id, n.notification_id, n.contact_id, coalesce(c.email, n.email) AS email, n.kind,
               r.disclosure_at, n.last_error, c.id IS NULL AS contact_deleted, r.notices_recorded_at IS NOT NULL AS round_recorded
        FROM notices n JOIN notifications r ON r.id = n.notification_id LEFT JOIN contacts c ON c.id = n.contact_id
        WHERE n.case_id = @CaseId AND n.state IN ('failed', 'cancelled') AND (@ContactIds::uuid[] IS NULL OR n.contact_id = ANY(@ContactIds))
          AND NOT {NoticeStore.WasSent}
        ORDER BY n.id
        """;

    private const string ContactsWithNoticesSql =
        "SELECT DISTINCT contact_id FROM notices WHERE case_id = @CaseId AND contact_id = ANY(@ContactIds)";

    private const string RequeueSql = """
        UPDATE notices n SET state = 'pending', attempts = 0, next_attempt_at = @Now, mode = r.mode
        FROM unnest(@Ids::bigint[], @Modes::text[]) AS r (id, mode)
        WHERE n.id = r.id AND n.state IN ('failed', 'cancelled')
        """;

    // A notice whose address is now told as another contact (see ResendNotices) goes as that contact.
    private const string RetellAsSql = """
        UPDATE notices SET contact_id = @ContactId, project_id = @ProjectId, email = @Email, path = @Path WHERE id = @NoticeId
        """;

    // A notice sent was sent to n.email (the outcome records it); one still to go goes to the contact's address now.
    private const string RoundsToldSql = """
        SELECT n.notification_id, n.contact_id,
               CASE WHEN n.state IN ('failed', 'cancelled') THEN NULL WHEN n.state = 'sent' THEN lower(n.email) ELSE lower(coalesce(c.email, n.email)) END AS address
        FROM notices n LEFT JOIN contacts c ON c.id = n.contact_id
        WHERE n.notification_id = ANY(@Ids)
        """;

    // Done again once these are: DeliveryReporter publishes the round's progress and DownstreamNotified with the new counts.
    private const string ReopenRoundsSql = "UPDATE notifications SET completed_at = NULL WHERE id = ANY(@Ids)";

    /// <param name="contactIds">null for every contact.</param>
    public static async Task<List<FailedNotice>> FailedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[]? contactIds) =>
        (await conn.QueryAsync<FailedNotice>(FailedSql, new { CaseId = caseId, ContactIds = contactIds }, tx)).ToList();

    public static async Task<HashSet<Guid>> ContactsWithNoticesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] contactIds) =>
        (await conn.QueryAsync<Guid>(ContactsWithNoticesSql, new { CaseId = caseId, ContactIds = contactIds }, tx)).ToHashSet();

    public static async Task<RoundsTold> RoundsToldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid[] notificationIds)
    {
        var rows = (await conn.QueryAsync<(Guid Round, Guid Contact, string? Address)>(RoundsToldSql, new { Ids = notificationIds }, tx)).ToList();
        return new RoundsTold(rows.Select(r => (r.Round, r.Contact)).ToHashSet(),
            rows.Where(r => r.Address is not null).Select(r => (r.Round, r.Address!)).ToHashSet());
    }

    /// <param name="notices">each with the recipient and the mode it goes as now.</param>
    public static async Task RequeueAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        IReadOnlyList<(FailedNotice Notice, Recipient Recipient, string Mode)> notices, DateTimeOffset now)
    {
        var retold = notices.Where(n => n.Recipient.ContactId != n.Notice.ContactId).Select(n => new
        {
            n.Notice.NoticeId, n.Recipient.ContactId, n.Recipient.ProjectId, n.Recipient.Email, Path = n.Recipient.Path.ToArray(),
        }).ToList();
        if (retold.Count > 0) await conn.ExecuteAsync(RetellAsSql, retold, tx);
        await conn.ExecuteAsync(RequeueSql, new { Ids = notices.Select(n => n.Notice.NoticeId).ToArray(), Modes = notices.Select(n => n.Mode).ToArray(), Now = now }, tx);
        await conn.ExecuteAsync(ReopenRoundsSql, new { Ids = notices.Select(n => n.Notice.NotificationId).Distinct().ToArray() }, tx);
    }
}
