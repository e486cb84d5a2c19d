using Dapper;
using Intake.Reports;
using Npgsql;

namespace Intake.Data;

public static class ReportStore
{
    private const string Columns = """
        id, source, reporter_name, reporter_email, subject, components, description, encrypted, credit_wanted,
        credit_name, credit_types, message_id, received_at, case_id
        """;

    // ON CONFLICT (message_id): the same email fetched twice makes one report.
    private const string InsertSql = """
        INSERT INTO reports (id, source, reporter_name, reporter_email, subject, components, description, encrypted,
            credit_wanted, credit_name, credit_types, reporter_token_hash, message_id, raw_message, received_at, reply_due)
        VALUES (@Id, @Source, @ReporterName, @ReporterEmail, @Subject, @Components, @Description, @Encrypted,
            @CreditWanted, @CreditName, @CreditTypes, @TokenHash, @MessageId, @RawMessage, @ReceivedAt, @ReplyDue)
        ON CONFLICT (message_id) DO NOTHING
        """;

    // Locks the report until its reply is sent (another instance answering it already holds the lock: skipped). The
    // token of a reply that never went out reached no one: the reply sent now carries this fetch's token.
    private const string TakeDueReplySql = """
        UPDATE reports SET reporter_token_hash = @TokenHash
        WHERE id = (SELECT id FROM reports WHERE message_id = @MessageId AND reply_due FOR UPDATE SKIP LOCKED)
        RETURNING id
        """;

    private const string ReplySentSql = "UPDATE reports SET reply_due = false WHERE id = @Id";

    private const string InsertAttachmentSql = """
        INSERT INTO report_attachments (id, report_id, file_name, content_type, content)
        VALUES (@Id, @ReportId, @FileName, @ContentType, @Content)
        """;

    private const string GetSql = $"SELECT {Columns} FROM reports WHERE id = @Id";

    private const string GetByTokenSql = $"SELECT {Columns} FROM reports WHERE id = @Id AND reporter_token_hash = @TokenHash";

    private const string ListSql = $"SELECT {Columns} FROM reports ORDER BY received_at DESC, id LIMIT @Limit";

    private const string ForCaseSql = $"SELECT {Columns} FROM reports WHERE case_id = @CaseId ORDER BY received_at, id";

    private const string LockManySql = $"SELECT {Columns} FROM reports WHERE id = ANY(@Ids) ORDER BY id FOR UPDATE";

    private const string AssignCaseSql = "UPDATE reports SET case_id = @CaseId WHERE id = ANY(@Ids)";

    // The follow-ups of these reports (and theirs in turn) still without a case: kept before the reports were triaged.
    private const string AssignFollowUpsSql = """
        WITH RECURSIVE thread AS (
            SELECT r.id FROM reports r WHERE r.answers_report_id = ANY(@Ids) AND r.case_id IS NULL
            UNION
            SELECT r.id FROM reports r JOIN thread t ON r.answers_report_id = t.id WHERE r.case_id IS NULL)
        UPDATE reports SET case_id = @CaseId FROM thread WHERE reports.id = thread.id AND reports.case_id IS NULL
        RETURNING reports.id
        """;

    private const string SetAnswersSql = "UPDATE reports SET answers_report_id = @Answers WHERE id = @Id";

    private const string AttachmentsSql = """
        SELECT id, report_id, file_name, content_type, content FROM report_attachments WHERE report_id = @ReportId ORDER BY id
        """;

    private const string InsertReplySql = """
        INSERT INTO report_replies (id, report_id, author_id, author_name, body, at)
        VALUES (@Id, @ReportId, @AuthorId, @AuthorName, @Body, @At)
        """;

    private const string RepliesSql = """
        SELECT id, report_id, author_id, author_name, body, at FROM report_replies WHERE report_id = @ReportId ORDER BY at, id
        """;

    private const string CountByMessageIdSql = "SELECT count(*) FROM reports WHERE message_id = @MessageId";

    // Of the kept mails a reply references, the newest with a case: a thread holds the report and earlier follow-ups,
    // and a follow-up stored before the report was triaged has no case (it is not the one to join).
    // FOR SHARE: a member opening a case from the answered report at this moment commits first (this mail then joins
    // the case) or waits for this mail's commit (and then finds it among the report's follow-ups to file with it).
    private const string AnsweredSql = """
        SELECT id, case_id FROM reports WHERE message_id = ANY(@Replies) AND id <> @Self
        ORDER BY case_id IS NULL, received_at DESC, id LIMIT 1
        FOR SHARE
        """;

    private const string CasesByTagSql = "SELECT id FROM cases WHERE left(id::text, 8) = @CaseTag LIMIT 2";

    private const string GetByMessageIdSql = $"SELECT {Columns} FROM reports WHERE message_id = @MessageId";

    private const string HoldsRawSql = "SELECT EXISTS (SELECT 1 FROM reports WHERE message_id = @MessageId AND raw_message = @Raw)";

    private const string AttachmentHashesSql = "SELECT sha256(content) FROM report_attachments WHERE report_id = @ReportId";

    /// <returns>false when a report with the same message id exists already.</returns>
    public static async Task<bool> TryInsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Report r, string tokenHash, byte[]? rawMessage,
        bool replyDue = false) =>
        await conn.ExecuteAsync(InsertSql, new
        {
            r.Id, r.Source, r.ReporterName, r.ReporterEmail, r.Subject, r.Components, r.Description, r.Encrypted, r.CreditWanted,
            r.CreditName, r.CreditTypes, TokenHash = tokenHash, r.MessageId, RawMessage = rawMessage, r.ReceivedAt, ReplyDue = replyDue,
        }, tx) == 1;

    /// <returns>the id of the report with this message id whose reply is due, now locked with its token replaced; else null.</returns>
    public static Task<Guid?> TakeDueReplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string messageId, string tokenHash, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Guid?>(new CommandDefinition(TakeDueReplySql, new { MessageId = messageId, TokenHash = tokenHash }, tx, cancellationToken: ct));

    public static Task ReplySentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(ReplySentSql, new { Id = id }, tx, cancellationToken: ct));

    public static Task InsertAttachmentAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ReportAttachment a) =>
        conn.ExecuteAsync(InsertAttachmentSql, a, tx);

    public static Task<Report?> GetAsync(NpgsqlConnection conn, Guid id, CancellationToken ct) =>
        Single(conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct)));

    public static Task<Report?> GetByReporterTokenAsync(NpgsqlConnection conn, Guid id, string tokenHash, CancellationToken ct) =>
        Single(conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(GetByTokenSql, new { Id = id, TokenHash = tokenHash }, cancellationToken: ct)));

    public static async Task<IReadOnlyList<Report>> ListAsync(NpgsqlConnection conn, int limit, CancellationToken ct) =>
        (await conn.QueryAsync<Row>(new CommandDefinition(ListSql, new { Limit = limit }, cancellationToken: ct))).Select(r => r.ToReport()).ToList();

    public static async Task<IReadOnlyList<Report>> ForCaseAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId) =>
        (await conn.QueryAsync<Row>(ForCaseSql, new { CaseId = caseId }, tx)).Select(r => r.ToReport()).ToList();

    public static async Task<IReadOnlyList<Report>> LockManyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Guid> ids) =>
        (await conn.QueryAsync<Row>(LockManySql, new { Ids = ids.ToArray() }, tx)).Select(r => r.ToReport()).ToList();

    public static Task AssignCaseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, IReadOnlyList<Guid> ids) =>
        conn.ExecuteAsync(AssignCaseSql, new { CaseId = caseId, Ids = ids.ToArray() }, tx);

    /// <summary>Files with the case the follow-ups of <paramref name="ids"/> kept before triage (see AssignFollowUpsSql).</summary>
    /// <returns>their ids.</returns>
    public static async Task<List<Guid>> AssignFollowUpsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, IReadOnlyList<Guid> ids) =>
        (await conn.QueryAsync<Guid>(AssignFollowUpsSql, new { CaseId = caseId, Ids = ids.ToArray() }, tx)).ToList();

    /// <summary>Records that a mailed report answers another (a reply in its thread).</summary>
    public static Task SetAnswersAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid reportId, Guid answers) =>
        conn.ExecuteAsync(SetAnswersSql, new { Id = reportId, Answers = answers }, tx);

    public static async Task<IReadOnlyList<ReportAttachment>> AttachmentsAsync(NpgsqlConnection conn, Guid reportId, CancellationToken ct) =>
        (await conn.QueryAsync<ReportAttachment>(new CommandDefinition(AttachmentsSql, new { ReportId = reportId }, cancellationToken: ct))).ToList();

    public static Task InsertReplyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ReportReply reply) =>
        conn.ExecuteAsync(InsertReplySql, reply, tx);

    public static async Task<IReadOnlyList<ReportReply>> RepliesAsync(NpgsqlConnection conn, Guid reportId, CancellationToken ct) =>
        (await conn.QueryAsync<ReportReply>(new CommandDefinition(RepliesSql, new { ReportId = reportId }, cancellationToken: ct))).ToList();

    public static Task<long> CountByMessageIdAsync(NpgsqlConnection conn, string messageId) =>
        conn.ExecuteScalarAsync<long>(CountByMessageIdSql, new { MessageId = messageId });

    public static Task<Report?> GetByMessageIdAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string messageId) =>
        Single(conn.QuerySingleOrDefaultAsync<Row>(GetByMessageIdSql, new { MessageId = messageId }, tx));

    /// <returns>whether the report stored under <paramref name="messageId"/> was made from exactly these bytes.</returns>
    public static Task<bool> HoldsRawAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string messageId, byte[] raw) =>
        conn.ExecuteScalarAsync<bool>(HoldsRawSql, new { MessageId = messageId, Raw = raw }, tx);

    /// <returns>the SHA-256 of each attachment of the report, as hex.</returns>
    public static async Task<HashSet<string>> AttachmentHashesAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid reportId) =>
        (await conn.QueryAsync<byte[]>(AttachmentHashesSql, new { ReportId = reportId }, tx)).Select(Convert.ToHexString).ToHashSet();

    /// <returns>the newest report whose Message-Id is among those a mail answers, and its case.</returns>
    public static async Task<(Guid ReportId, Guid? CaseId)?> AnsweredAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid self, IReadOnlyList<string> replies) =>
        replies.Count == 0 ? null
            : (await conn.QueryAsync<(Guid, Guid?)>(AnsweredSql, new { Replies = replies.ToArray(), Self = self }, tx)).Select(r => ((Guid, Guid?)?)r).FirstOrDefault();

    /// <returns>the one case whose id begins with the 8 hex digits of a subject tag; null if none or several do.</returns>
    public static async Task<Guid?> CaseByTagAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string caseTag) =>
        (await conn.QueryAsync<Guid>(CasesByTagSql, new { CaseTag = caseTag }, tx)).ToList() is [var only] ? only : null;

    private static async Task<Report?> Single(Task<Row?> row) => (await row)?.ToReport();

    // Dapper cannot hand text[] to a record constructor (it sees System.Array), so rows bind to properties.
    private sealed class Row
    {
        public Guid Id { get; set; }
        public string Source { get; set; } = "";
        public string ReporterName { get; set; } = "";
        public string ReporterEmail { get; set; } = "";
        public string? Subject { get; set; }
        public string[] Components { get; set; } = [];
        public string Description { get; set; } = "";
        public bool Encrypted { get; set; }
        public bool CreditWanted { get; set; }
        public string? CreditName { get; set; }
        public string[] CreditTypes { get; set; } = [];
        public string? MessageId { get; set; }
        public DateTimeOffset ReceivedAt { get; set; }
        public Guid? CaseId { get; set; }

        public Report ToReport() => new(Id, Source, ReporterName, ReporterEmail, Subject, Components, Description, Encrypted, CreditWanted,
            CreditName, CreditTypes, MessageId, ReceivedAt, CaseId);
    }
}
