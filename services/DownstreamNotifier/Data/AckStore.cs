using System.Text.Json;
using Coordination.Contracts.Advisories;
using Coordination.Contracts.Notices;
using Dapper;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Email;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>Acknowledgements and statuses given through notice links, one per (case, contact, address): the address the
/// contact has when it follows its link (a readdressed contact's link of before is refused), so another person given
/// the contact's place has not acknowledged.</summary>
public static class AckStore
{
    private const string AckSql = """
        INSERT INTO acknowledgements (case_id, contact_id, email, acknowledged_at)
        SELECT @CaseId, @ContactId, c.email, @Now FROM contacts c WHERE c.id = @ContactId
        ON CONFLICT (case_id, lower(email), contact_id) DO NOTHING
        """;

    private const string StatusSql = """
        INSERT INTO acknowledgements (case_id, contact_id, email, acknowledged_at, status, statement, status_at)
        SELECT @CaseId, @ContactId, c.email, @Now, @Status, @Statement, @Now FROM contacts c WHERE c.id = @ContactId
        ON CONFLICT (case_id, lower(email), contact_id) DO UPDATE SET status = excluded.status, statement = excluded.statement, status_at = excluded.status_at
        """;

    // The contact is locked to the request's end: a readdress or delete committed between this check and the
    // acknowledgement would record it at the new person's address, or none at all.
    // Of the notices the mail server accepted, the newest that told the contact the case's details, else the newest;
    // none for a link issued before the contact was readdressed (another link generation). A Withdrawn or NowPublic
    // notice tells no details, though its round holds the draft of its day, which may be newer than any the contact read.
    private const string SentNoticeSql = $"""
        SELECT f.draft::text AS draft_json, n.mode, n.kind
        FROM notices n JOIN contacts c ON c.id = n.contact_id JOIN notifications f ON f.id = n.notification_id
        WHERE n.case_id = @CaseId AND n.contact_id = @ContactId AND c.link_generation = @LinkGeneration
          AND {NoticeStore.WasSent}
        ORDER BY n.mode <> 'schedule_only' AND n.kind NOT IN ('{NoticeKinds.Withdrawn}', '{NoticeKinds.NowPublic}') DESC, f.created_at DESC
        LIMIT 1
        FOR SHARE OF c
        """;

    private const string GetSql = """
        SELECT a.acknowledged_at, a.status, a.statement FROM acknowledgements a JOIN contacts c ON c.id = a.contact_id
        WHERE a.case_id = @CaseId AND a.contact_id = @ContactId AND lower(a.email) = lower(c.email)
        """;

    /// <summary>
    /// What the contact's link shows: the case as the newest notice sent to it told it (the draft of that notice's round,
    /// not the case's current one, which may hold what the contact was never meant to read); null when the contact is
    /// deleted, readdressed since the link was issued (<paramref name="linkGeneration"/>), or no notice about the case was
    /// sent to it, and its link is not honoured.
    /// </summary>
    public static async Task<SentNotice?> SentNoticeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId, int linkGeneration)
    {
        var row = await conn.QuerySingleOrDefaultAsync<SentNoticeRow>(SentNoticeSql,
            new { CaseId = caseId, ContactId = contactId, LinkGeneration = linkGeneration }, tx);
        if (row is null) return null;
        var draft = row.Mode == NoticeModes.ScheduleOnly || !NoticeTemplates.TellsCaseDetails(row.Kind) || row.DraftJson is null
            ? null : JsonSerializer.Deserialize<AdvisoryDraft>(row.DraftJson, CaseStore.Json);
        return new SentNotice(draft);
    }

    /// <returns>true the first time this contact acknowledges this case.</returns>
    public static async Task<bool> AcknowledgeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId, DateTimeOffset now) =>
        await conn.ExecuteAsync(AckSql, new { CaseId = caseId, ContactId = contactId, Now = now }, tx) == 1;

    public static Task SetStatusAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid contactId, string status, string? statement, DateTimeOffset now) =>
        conn.ExecuteAsync(StatusSql, new { CaseId = caseId, ContactId = contactId, Status = status, Statement = statement, Now = now }, tx);

    public static Task<AckRow?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, Guid contactId) =>
        conn.QuerySingleOrDefaultAsync<AckRow?>(GetSql, new { CaseId = caseId, ContactId = contactId }, tx);

    /// <param name="Draft">the case's details as the notice told them; null when it told none.</param>
    public sealed record SentNotice(AdvisoryDraft? Draft);

    private sealed class SentNoticeRow
    {
        public string? DraftJson { get; init; }
        public string Mode { get; init; } = "";
        public string Kind { get; init; } = "";
    }

    public sealed class AckRow
    {
        public DateTimeOffset AcknowledgedAt { get; init; }
        public string? Status { get; init; }
        public string? Statement { get; init; }
    }
}
