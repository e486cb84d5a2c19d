using System.Text.Json;
using Coordination.Contracts.Advisories;
using Coordination.Contracts.Notices;
using Dapper;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using Npgsql;
using NpgsqlTypes;

namespace DownstreamNotifier.Data;

/// <summary>Rounds of notices (notifications), one row per (case, contact, kind, notification), and their delivery state.</summary>
public static class NoticeStore
{
    private const string InsertNotificationSql = """
        INSERT INTO notifications (id, case_id, kind, disclosure_at, channels, reason, advisory_id, advisory_urls, draft, total, created_at)
        VALUES (@Id, @CaseId, @Kind, @DisclosureAt, @Channels, @Reason, @AdvisoryId, @AdvisoryUrls, @Draft::jsonb, 0, @Now)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SetTotalSql = "UPDATE notifications SET total = @Total WHERE id = @Id";

    // Only ever later: an Embargoed round still being recorded when the embargo was extended states the new instant
    // in the notices it has yet to send.
    private const string RestateInstantSql = """
        UPDATE notifications SET disclosure_at = @DisclosureAt, channels = @Channels WHERE id = @Id AND disclosure_at < @DisclosureAt
        """;

    private const string NoticesRecordedSql = "SELECT notices_recorded_at IS NOT NULL FROM notifications WHERE id = @Id";

    private const string RecordedSql = "SELECT email, contact_id FROM notices WHERE notification_id = @Id";

    private const string OtherRoundOfKindSql = "SELECT EXISTS (SELECT FROM notifications WHERE case_id = @CaseId AND kind = @Kind AND id <> @Except)";

    private const string MarkNoticesRecordedSql = "UPDATE notifications SET notices_recorded_at = @Now WHERE id = @Id";

    private const string NotificationSql = """
        SELECT id, case_id, kind, disclosure_at, channels, reason, advisory_id, advisory_urls, draft::text AS draft_json
        FROM notifications WHERE id = @Id
        """;

    /// <summary>
    /// Condition on a notice <c>n</c>: the mail server accepted it. Its state says so once its batch committed, its
    /// acceptance before that.
    /// </summary>
    public const string WasSent = "(n.state = 'sent' OR EXISTS (SELECT FROM notice_acceptances a WHERE a.notice_id = n.id))";

    private const string EarlierRecipientsSql = $"""
        SELECT DISTINCT n.contact_id FROM notices n
        WHERE n.case_id = @CaseId AND {WasSent}
        """;

    private const string SentToSql = $"""
        SELECT DISTINCT n.email, n.contact_id FROM notices n
        WHERE n.case_id = @CaseId AND {WasSent}
        """;

    // A notice a sender holds is waited for (its batch's row lock) and then judged by the state it committed; one the
    // mail server accepted before a crash is left to be recorded as sent.
    // @Kinds null: every kind; @Reason null: last_error as it is.
    private const string CancelOpenNoticesSql = """
        UPDATE notices n SET state = 'cancelled', last_error = coalesce(@Reason, n.last_error)
        WHERE n.case_id = @CaseId AND n.state IN ('pending', 'deferred') AND n.notification_id <> @Except
          AND (@Kinds::text[] IS NULL OR n.kind = ANY(@Kinds))
          AND NOT EXISTS (SELECT FROM notice_acceptances a WHERE a.notice_id = n.id)
        """;

    // In a statement of its own, before a statement that cancels or changes notices by whether they went: a sender's
    // batch holding some of the rows is waited for here, so that the next statement's snapshot (taken after) sees every
    // acceptance committed before the batch ended. A batch rolled back after its server accepted (the service killed)
    // leaves the notice pending with its acceptance; a statement that waited for the row itself would judge it by its
    // older snapshot, which has no acceptance, and cancel a notice that went. Only the rows the next statement may
    // touch, as it would have waited for: not the batches sending the rest of the case (a slow server holds one for
    // minutes while the case's lock is held).
    private const string LockOpenNoticesSql = """
        SELECT FROM notices n WHERE n.case_id = @CaseId AND n.state IN ('pending', 'deferred') AND n.notification_id <> @Except
          AND (@Kinds::text[] IS NULL OR n.kind = ANY(@Kinds))
        FOR UPDATE
        """;

    /// <summary>The same for the notices of contacts of <c>@Projects</c> (an exclusion applied or lifted).</summary>
    private const string LockProjectsOpenNoticesSql = """
        SELECT FROM notices n LEFT JOIN contacts c ON c.id = n.contact_id
        WHERE n.case_id = @CaseId AND n.state IN ('pending', 'deferred') AND (n.project_id = ANY(@Projects) OR c.project_id = ANY(@Projects))
        FOR UPDATE OF n
        """;

    private const string CloseRoundSql = """
        UPDATE notifications SET total = (SELECT count(*) FROM notices WHERE notification_id = @Id), notices_recorded_at = COALESCE(notices_recorded_at, @Now)
        WHERE id = @Id
        """;

    private const string HasRoundSql = "SELECT EXISTS (SELECT FROM notifications WHERE case_id = @CaseId AND kind = @Kind)";

    private const string EarlierEmbargoedDraftsSql = """
        SELECT draft::text FROM notifications WHERE case_id = @CaseId AND kind = 'Embargoed' AND id <> @Except AND draft IS NOT NULL
        """;

    // Not a notice an exclusion cancelled (once lifted, the contact is warned anew where that notice may not go again;
    // one that may, and was not warned meanwhile, goes again: ResendNotices), nor one that never went to a contact
    // deleted since (its address is warned as the contact it has now): neither told anyone anything.
    private const string WithKindSql = $"""
        SELECT DISTINCT n.email, n.contact_id FROM notices n
        WHERE n.case_id = @CaseId AND n.kind = @Kind AND n.notification_id <> @Except
          AND (n.state <> 'cancelled' OR n.last_error IS DISTINCT FROM '{ExcludedProjectNotices.CancelledReason}')
          AND ({WasSent} OR EXISTS (SELECT FROM contacts c WHERE c.id = n.contact_id))
        """;

    // By address: an address that is a contact of several projects is told as one of them, and which one can change
    // between rounds (a key added to the other); a contact readdressed since it acknowledged has not.
    private const string AcknowledgedAddressesSql = "SELECT DISTINCT email FROM acknowledgements WHERE case_id = @CaseId";

    private const string CopySql = """
        COPY notices (notification_id, case_id, contact_id, project_id, email, kind, mode, path, next_attempt_at) FROM STDIN (FORMAT BINARY)
        """;

    // The due rows are locked in the order of the partial index notices_due, and only then joined: the sort of every
    // due row, and an anti-join of every acceptance, that the planner chose for the one-statement form cost up to
    // 150 ms per claim in a 10,000-notice fan-out. Rows the server accepted before a crash come back with that reply.
    // A notice goes to the contact's address as it is now (c.email), not the one copied when the round was recorded:
    // a contact readdressed or deleted mid-round must not get the details at the old address (contact_deleted); and
    // with the channels of its address's projects as they are now (an address whose project, any of them, has joined a
    // channel requiring encryption gets no plain notice).
    // The walk starts after @AfterAt/@AfterId (see ClaimCursor): from the start of the index, every claim stepped over
    // the rows the other workers hold locked, a lock check each (~6 ms per claim of 100 with 8 workers).
    private const string ClaimSql = """
        WITH claimed AS (
            SELECT id FROM notices
            WHERE state IN ('pending', 'deferred') AND next_attempt_at <= @Now AND (next_attempt_at, id) > (@AfterAt, @AfterId)
            ORDER BY next_attempt_at, id
            LIMIT @Batch
            FOR UPDATE SKIP LOCKED)
        SELECT n.id, n.notification_id, n.case_id, n.contact_id, coalesce(c.email, n.email) AS email, c.id IS NULL AS contact_deleted,
               n.kind, n.mode, n.attempts, n.next_attempt_at,
               c.name AS contact_name, c.link_generation, c.public_key, c.key_fingerprint, c.key_expires_at, c.encryption_subkey, c.time_zone,
               n.mode = 'plain' AND EXISTS (
                   SELECT 1 FROM contacts same JOIN projects p ON p.id = same.project_id
                   WHERE lower(same.email) = lower(c.email) AND p.channels && @EncryptionChannels) AS address_requires_encryption,
               n.kind = 'Reminder' AND EXISTS (
                   SELECT 1 FROM acknowledgements k WHERE k.case_id = n.case_id AND lower(k.email) = lower(coalesce(c.email, n.email))) AS acknowledged_since,
               a.notice_id IS NOT NULL AS accepted, a.server_reply AS accepted_reply, a.accepted_at
        FROM claimed JOIN notices n ON n.id = claimed.id
             LEFT JOIN contacts c ON c.id = n.contact_id
             LEFT JOIN notice_acceptances a ON a.notice_id = n.id
        """;

    // Without statistics (a table just filled by COPY) or with old ones, the planner prefers reading every due row
    // and sorting them to walking the index in order; with sorting priced out it walks the index. (Hence also no
    // ORDER BY on the outer query: without sorting, that one would be produced by reading all of notices in order.)
    // In the same statement, for the batch's transaction only: no idle_in_transaction_session_timeout. The transaction
    // sits idle while its notices are sent (a slow server, up to Smtp:TimeoutSeconds each); a timeout would end the
    // session, release the rows' locks, and let another worker claim and send them again while this one still sends.
    // What remains: a connection lost otherwise (a proxy's idle timeout, a failover, a network cut) releases the locks
    // just the same. The acceptances already committed keep those notices from going again; the worker checks its
    // session every second as it sends (NoticeSender.SessionCheckInterval), so only what it sent since can go twice.
    private const string ClaimPlanSql =
        "SELECT set_config('enable_sort', 'off', true), set_config('idle_in_transaction_session_timeout', '0', true)";

    private const string AcceptedSql = """
        INSERT INTO notice_acceptances (notice_id, server_reply, accepted_at)
        SELECT * FROM unnest($1::bigint[], $2::text[], $3::timestamptz[]) ON CONFLICT DO NOTHING
        """;

    // "n.id = ANY($1)" gives the planner an index condition: joined on the unnest alone, it read all of notices and
    // hashed it (9 ms per 100 rows in a 20,000-notice table, against 3.5 ms now).
    private const string OutcomesSql = """
        UPDATE notices n SET state = o.state, attempts = o.attempts, next_attempt_at = o.next_attempt_at, last_error = o.last_error,
                             server_reply = o.server_reply, sent_at = o.sent_at, email = coalesce(o.email, n.email), mode = coalesce(o.mode, n.mode)
        FROM unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[], $8::text[], $9::text[])
             AS o (id, state, attempts, next_attempt_at, last_error, server_reply, sent_at, email, mode)
        WHERE n.id = o.id AND n.id = ANY($1)
        """;

    private const string ProgressSql = """
        SELECT n.id, n.case_id, n.kind, n.total, n.created_at,
               count(*) FILTER (WHERE x.state = 'sent') AS sent,
               count(*) FILTER (WHERE x.state = 'deferred') AS deferred,
               count(*) FILTER (WHERE x.state = 'failed') AS failed,
               count(*) FILTER (WHERE x.state = 'pending') AS pending,
               count(*) FILTER (WHERE x.state = 'cancelled') AS cancelled,
               n.notices_recorded_at IS NOT NULL AS notices_recorded
        FROM notifications n LEFT JOIN notices x ON x.notification_id = n.id
        """;

    private const string OpenNotificationsSql = ProgressSql + " WHERE n.completed_at IS NULL GROUP BY n.id";

    // Locked first, then counted in a statement of its own: a resend that reopens the round (it locks this row too)
    // has either committed by then, and its notices count as pending, or waits for this transaction.
    private const string LockOpenSql = "SELECT 1 FROM notifications WHERE id = @Id AND completed_at IS NULL FOR UPDATE";

    private const string RoundProgressSql = ProgressSql + " WHERE n.id = @Id GROUP BY n.id";

    private const string CompleteSql = "UPDATE notifications SET completed_at = @Now WHERE id = @Id";

    // Counted from the round's start, this process's start or the last resend, whichever is latest; past the last
    // resend, one more claim (the give-up) and then none.
    private const string ClaimRecordingResendSql = """
        UPDATE notifications SET recording_resends = recording_resends + 1, recording_resent_at = @Now
        WHERE id = @Id AND notices_recorded_at IS NULL AND completed_at IS NULL AND recording_resends <= @MaxResends
          AND GREATEST(created_at, recording_resent_at, @StartedAt) < @Before
        RETURNING recording_resends
        """;

    /// <returns>false when this notification was already recorded (a redelivery).</returns>
    public static async Task<bool> InsertNotificationAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NotifyDownstream m, AdvisoryDraft? draft, DateTimeOffset now) =>
        await conn.ExecuteAsync(InsertNotificationSql, new
        {
            Id = m.NotificationId, m.CaseId, m.Kind, m.DisclosureAt, Channels = (m.Channels ?? []).ToArray(), m.Reason, m.AdvisoryId,
            AdvisoryUrls = (m.AdvisoryUrls ?? []).ToArray(), Draft = draft is null ? null : JsonSerializer.Serialize(draft, CaseStore.Json), Now = now,
        }, tx) == 1;

    public static Task SetTotalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, int total) =>
        conn.ExecuteAsync(SetTotalSql, new { Id = id, Total = total }, tx);

    public static Task RestateInstantAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset disclosureAt, IReadOnlyList<string> channels) =>
        conn.ExecuteAsync(RestateInstantSql, new { Id = id, DisclosureAt = disclosureAt, Channels = channels.ToArray() }, tx);

    /// <summary>Whether all of the round's notices are recorded (see <see cref="MarkNoticesRecordedAsync"/>).</summary>
    public static Task<bool> NoticesRecordedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.ExecuteScalarAsync<bool>(NoticesRecordedSql, new { Id = id }, tx);

    /// <summary>Who the round already has a notice for.</summary>
    public static async Task<Told> RecordedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        Told.From((await conn.QueryAsync<(string Email, Guid ContactId)>(RecordedSql, new { Id = id }, tx)).ToList());

    /// <summary>Whether the case has a round of this kind other than <paramref name="exceptNotificationId"/>.</summary>
    public static Task<bool> HasOtherRoundAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, string kind, Guid exceptNotificationId) =>
        conn.ExecuteScalarAsync<bool>(OtherRoundOfKindSql, new { CaseId = caseId, Kind = kind, Except = exceptNotificationId }, tx);

    /// <summary>Marks the round as having all its notices recorded; until then it is not reported done.</summary>
    public static Task MarkNoticesRecordedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now) =>
        conn.ExecuteAsync(MarkNoticesRecordedSql, new { Id = id, Now = now }, tx);

    /// <summary>The case was withdrawn: its notices of other rounds not sent yet never will be.</summary>
    /// <returns>how many were cancelled.</returns>
    public static Task<int> CancelOpenNoticesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid exceptNotificationId) =>
        CancelOpenAsync(conn, tx, new { CaseId = caseId, Except = exceptNotificationId, Kinds = (string[]?)null, Reason = (string?)null });

    /// <summary>Cancels the open notices <paramref name="args"/> names, after waiting for the senders holding them (LockOpenNoticesSql).</summary>
    private static async Task<int> CancelOpenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, object args)
    {
        await conn.ExecuteAsync(LockOpenNoticesSql, args, tx);
        return await conn.ExecuteAsync(CancelOpenNoticesSql, args, tx);
    }

    /// <summary>Locks the case's notices not sent yet to contacts of <paramref name="projects"/>, waiting for the senders
    /// holding any (see LockOpenNoticesSql): for the caller's next statement, which changes some of them by whether they went.</summary>
    public static Task LockProjectsOpenNoticesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid[] projects) =>
        conn.ExecuteAsync(LockProjectsOpenNoticesSql, new { CaseId = caseId, Projects = projects }, tx);

    /// <summary>
    /// The embargo was extended, broken or made public: the case's Embargoed, Reminder and Extended notices of other rounds
    /// not sent yet (deferred by a mail server for hours, say) would state an instant that is no longer true, and arrive
    /// after the news that replaced it. They are cancelled with <paramref name="reason"/>; the round that supersedes them
    /// tells the same recipients (an Extended notice carries the details too).
    /// </summary>
    /// <returns>how many were cancelled.</returns>
    public static Task<int> SupersedeOpenNoticesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid exceptNotificationId, string reason) =>
        CancelOpenAsync(conn, tx,
            new { CaseId = caseId, Except = exceptNotificationId, Reason = reason, Kinds = new[] { NoticeKinds.Embargoed, NoticeKinds.Reminder, NoticeKinds.Extended } });

    /// <summary>Ends a round's recording where it stands (the case was withdrawn): its total becomes what it recorded.
    /// Does nothing when there is no such round.</summary>
    public static Task CloseRoundAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now) =>
        conn.ExecuteAsync(CloseRoundSql, new { Id = id, Now = now }, tx);

    public static NotificationRecord? Notification(NpgsqlConnection conn, Guid id)
    {
        var row = conn.QuerySingleOrDefault<NotificationRow>(NotificationSql, new { Id = id });
        return row is null ? null : new NotificationRecord(row.Id, row.CaseId, row.Kind, row.DisclosureAt, row.Channels, row.Reason, row.AdvisoryId,
            row.AdvisoryUrls, row.DraftJson is null ? null : JsonSerializer.Deserialize<AdvisoryDraft>(row.DraftJson, CaseStore.Json));
    }

    /// <summary>The NotifyDownstream that began the round, as it is recorded (to send it again).</summary>
    public static async Task<NotifyDownstream?> RoundMessageAsync(NpgsqlConnection conn, Guid id, CancellationToken ct)
    {
        var row = await conn.QuerySingleOrDefaultAsync<NotificationRow>(new CommandDefinition(NotificationSql, new { Id = id }, cancellationToken: ct));
        return row is null ? null : new NotifyDownstream(row.CaseId, row.Kind, row.Id, row.DisclosureAt, row.Channels, row.Reason, row.AdvisoryId, row.AdvisoryUrls);
    }

    public static async Task<List<Guid>> EarlierRecipientsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId) =>
        (await conn.QueryAsync<Guid>(EarlierRecipientsSql, new { CaseId = caseId }, tx)).ToList();

    /// <summary>Who a notice of the case was sent to.</summary>
    public static async Task<Told> SentToAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId) =>
        Told.From((await conn.QueryAsync<(string Email, Guid ContactId)>(SentToSql, new { CaseId = caseId }, tx)).ToList());

    public static Task<bool> HasRoundAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, string kind) =>
        conn.ExecuteScalarAsync<bool>(HasRoundSql, new { CaseId = caseId, Kind = kind }, tx);

    /// <summary>The drafts the case's other Embargoed rounds were recorded with (what they warned of).</summary>
    public static async Task<List<AdvisoryDraft>> EarlierEmbargoedDraftsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid exceptNotificationId) =>
        (await conn.QueryAsync<string>(EarlierEmbargoedDraftsSql, new { CaseId = caseId, Except = exceptNotificationId }, tx))
        .Select(json => JsonSerializer.Deserialize<AdvisoryDraft>(json, CaseStore.Json)).OfType<AdvisoryDraft>().ToList();

    /// <summary>Who has a notice of this kind about the case (in any state but those of WithKindSql's comment) in another
    /// round than <paramref name="exceptNotificationId"/>.</summary>
    public static async Task<Told> WithKindAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, string kind, Guid exceptNotificationId) =>
        Told.From((await conn.QueryAsync<(string Email, Guid ContactId)>(WithKindSql, new { CaseId = caseId, Kind = kind, Except = exceptNotificationId }, tx)).ToList());

    /// <summary>The addresses (lower case) that acknowledged a notice about the case.</summary>
    public static async Task<HashSet<string>> AcknowledgedAddressesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId) =>
        (await conn.QueryAsync<string>(AcknowledgedAddressesSql, new { CaseId = caseId }, tx)).Select(e => e.ToLowerInvariant()).ToHashSet();

    public static async Task InsertNoticesAsync(NpgsqlConnection conn, Guid notificationId, Guid caseId, string kind,
        IEnumerable<(Recipient Recipient, string Mode)> notices, DateTimeOffset now, CancellationToken ct)
    {
        await using var copy = await conn.BeginBinaryImportAsync(CopySql, ct);
        foreach (var (r, mode) in notices)
        {
            await copy.StartRowAsync(ct);
            await copy.WriteAsync(notificationId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(caseId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(r.ContactId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(r.ProjectId, NpgsqlDbType.Uuid, ct);
            await copy.WriteAsync(r.Email, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(kind, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(mode, NpgsqlDbType.Text, ct);
            await copy.WriteAsync(r.Path.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, ct);
            await copy.WriteAsync(now.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
        }
        await copy.CompleteAsync(ct);
    }

    /// <summary>Locks up to <paramref name="batch"/> due notices that come after <paramref name="after"/> in due order.</summary>
    /// <param name="encryptionChannels">the channels that require encryption (lower case, as projects' are stored).</param>
    public static List<ClaimedNotice> Claim(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, int batch, ClaimCursor.Position after,
        string[] encryptionChannels)
    {
        conn.Execute(ClaimPlanSql, transaction: tx);
        return ClaimAfter(conn, tx, now, batch, after, encryptionChannels);
    }

    /// <summary>
    /// A sender's batch: up to <paramref name="batch"/> due notices after <paramref name="from"/>, and when those are
    /// fewer, the rest from the start of the due order in the same transaction, so that rows behind the cursor (a batch
    /// rolled back, rows another instance released) do not wait for the periodic revisit of the start.
    /// </summary>
    public static List<ClaimedNotice> ClaimBatch(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, int batch, ClaimCursor.Position from,
        string[] encryptionChannels)
    {
        var claimed = Claim(conn, tx, now, batch, from, encryptionChannels);
        if (claimed.Count >= batch || from == ClaimCursor.Position.Start) return claimed;
        // The walk from the start meets this transaction's own rows last (they lie after the cursor; SKIP LOCKED does
        // not skip a transaction's own locks): those are left out.
        var more = ClaimAfter(conn, tx, now, batch - claimed.Count, ClaimCursor.Position.Start, encryptionChannels);
        if (claimed.Count == 0) return more;
        var ids = claimed.Select(n => n.Id).ToHashSet();
        claimed.AddRange(more.Where(n => !ids.Contains(n.Id)));
        return claimed;
    }

    private static List<ClaimedNotice> ClaimAfter(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, int batch, ClaimCursor.Position after,
        string[] encryptionChannels) =>
        conn.Query<ClaimedNotice>(ClaimSql, new { Now = now, Batch = batch, AfterAt = after.At, AfterId = after.Id, EncryptionChannels = encryptionChannels }, tx).ToList();

    /// <summary>
    /// The statement that records a group of acceptances, autocommit, right after the SMTP server accepted them.
    /// Prepared once per physical connection: parsing and planning it each time was a good part of the database's work.
    /// </summary>
    public static NpgsqlCommand PrepareAccepted(NpgsqlConnection conn)
    {
        var cmd = new NpgsqlCommand(AcceptedSql, conn)
        {
            Parameters =
            {
                new NpgsqlParameter<long[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                new NpgsqlParameter<string?[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new NpgsqlParameter<DateTime[]> { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
            },
        };
        cmd.Prepare();
        return cmd;
    }

    /// <summary>Runs the statement from <see cref="PrepareAccepted"/> for a group of notices.</summary>
    public static void RecordAccepted(NpgsqlCommand accepted, IReadOnlyList<AcceptanceRecorder.Pending> group)
    {
        ((NpgsqlParameter<long[]>)accepted.Parameters[0]).TypedValue = group.Select(p => p.NoticeId).ToArray();
        ((NpgsqlParameter<string?[]>)accepted.Parameters[1]).TypedValue = group.Select(p => p.Reply).ToArray();
        ((NpgsqlParameter<DateTime[]>)accepted.Parameters[2]).TypedValue = group.Select(p => p.At).ToArray();
        accepted.ExecuteNonQuery();
    }

    /// <summary>One statement for a whole batch (arrays unnested), not one per notice.</summary>
    public static void RecordOutcomes(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<DeliveryOutcome> outcomes)
    {
        if (outcomes.Count == 0) return;
        using var cmd = new NpgsqlCommand(OutcomesSql, conn, tx)
        {
            Parameters =
            {
                new() { Value = outcomes.Select(o => o.NoticeId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                new() { Value = outcomes.Select(o => o.State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = outcomes.Select(o => o.Attempts).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer },
                new() { Value = outcomes.Select(o => o.NextAttemptAt.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new() { Value = outcomes.Select(o => o.Error).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = outcomes.Select(o => o.ServerReply).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = outcomes.Select(o => o.SentAt?.UtcDateTime).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz },
                new() { Value = outcomes.Select(o => o.Email).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                new() { Value = outcomes.Select(o => o.Mode).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            },
        };
        cmd.ExecuteNonQuery();
    }

    public static async Task<List<NotificationProgress>> OpenNotificationsAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.QueryAsync<NotificationProgress>(new CommandDefinition(OpenNotificationsSql, cancellationToken: ct))).ToList();

    /// <summary>One round trip on the batch's session: throws (NpgsqlException) when the session is gone.</summary>
    public static void CheckSession(NpgsqlConnection conn, NpgsqlTransaction tx) => conn.ExecuteScalar<int>("SELECT 1", transaction: tx);

    /// <summary>Claims the next resend of a round whose notices are not all recorded, if one is due: none since
    /// <paramref name="before"/> (nor the round's or <paramref name="startedAt"/>'s start), and at most one past
    /// <paramref name="maxResends"/>.</summary>
    /// <returns>the round's resends with this one; null when none is due.</returns>
    public static Task<int?> ClaimRecordingResendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now, DateTimeOffset before,
        DateTimeOffset startedAt, int maxResends) =>
        conn.ExecuteScalarAsync<int?>(ClaimRecordingResendSql, new { Id = id, Now = now, Before = before, StartedAt = startedAt, MaxResends = maxResends }, tx);

    /// <summary>Marks the round done when, counted under its lock, all its notices are recorded and none is pending or
    /// deferred.</summary>
    /// <returns>its final counts; null when it is not done (or was already marked).</returns>
    public static async Task<NotificationProgress?> CompleteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset now)
    {
        if (await conn.ExecuteScalarAsync<int?>(LockOpenSql, new { Id = id }, tx) is null) return null;
        var counts = await conn.QuerySingleAsync<NotificationProgress>(RoundProgressSql, new { Id = id }, tx);
        if (!counts.NoticesRecorded || counts.Pending > 0 || counts.Deferred > 0) return null;
        await conn.ExecuteAsync(CompleteSql, new { Id = id, Now = now }, tx);
        return counts;
    }

    private sealed class NotificationRow
    {
        public Guid Id { get; init; }
        public Guid CaseId { get; init; }
        public string Kind { get; init; } = "";
        public DateTimeOffset DisclosureAt { get; init; }
        public string[] Channels { get; init; } = [];
        public string? Reason { get; init; }
        public string? AdvisoryId { get; init; }
        public string[] AdvisoryUrls { get; init; } = [];
        public string? DraftJson { get; init; }
    }
}
