using System.Security.Cryptography;
using Coordination.Hosting.Data;
using Intake.Data;
using Intake.Reports;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Intake.Imap;

/// <summary>
/// Reads the security@ mailbox: each new message becomes a report (committed first), then is flagged \Seen. New is
/// unseen, or above the UID through which the mailbox was taken (imap_mailbox_marks), so a message a member read in a
/// mail client before the poll is a report all the same.
/// A message fetched twice — a crash between commit and flag, an overlapping instance, a resend with the same
/// Message-Id — makes one report, because reports.message_id is unique. The reply to the reporter goes after the
/// commit and before the flag; a report whose reply had not gone out when the service stopped (reports.reply_due) is
/// answered when its message is fetched again, with a new token (the first never reached anyone).
/// </summary>
public sealed class ImapPoller(IOptions<ImapOptions> options, IOptions<IntakeOptions> intakeOptions, NpgsqlDataSource db,
    ReportAcknowledger acknowledger, TimeProvider time, ILogger<ImapPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (!o.Enabled) return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested && e is not OperationCanceledException)
            {
                logger.ImapPollFailed(e.GetType().Name, o.PollSeconds);
            }
            try { await Task.Delay(TimeSpan.FromSeconds(o.PollSeconds), time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <returns>how many new reports the poll made.</returns>
    public async Task<int> PollOnceAsync(CancellationToken ct)
    {
        var o = options.Value;
        using var client = new ImapClient { Timeout = 60_000 };
        await client.ConnectAsync(o.Host, o.Port, Enum.Parse<SecureSocketOptions>(o.Security), ct);
        await client.AuthenticateAsync(o.Username ?? "", o.Password ?? "", ct);
        var folder = await client.GetFolderAsync(o.Mailbox, ct);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct);
        var mailbox = $"{o.Username}@{o.Host}/{o.Mailbox}";
        var last = folder.UidNext is { } next ? next.Id - 1 : (uint?)null; // the last UID in the folder as it was opened
        var mark = await MailboxMarkStore.GetAsync(db, mailbox, folder.UidValidity, ct);
        var query = mark is { } through && last > through
            ? SearchQuery.NotSeen.Or(SearchQuery.Uids(new UniqueIdRange(new UniqueId(through + 1), new UniqueId(last.Value))))
            : SearchQuery.NotSeen;
        var found = (await folder.SearchAsync(query, ct)).OrderBy(u => u.Id).ToList();
        // A first poll (no mark yet, or a folder recreated) takes every unread mail at once: its mark goes to the last UID,
        // so an unread mail it left for later, then read by a member before that, would be found by neither search.
        var taken = mark is null ? found : found.Take(o.BatchSize).ToList();
        var created = 0;
        foreach (var uid in taken)
        {
            // The bytes as the server holds them, kept as received; the parsed message is read from the same bytes.
            byte[] raw;
            await using (var stream = await folder.GetStreamAsync(uid, ct))
            using (var copy = new MemoryStream())
            {
                await stream.CopyToAsync(copy, ct);
                raw = copy.ToArray();
            }
            var receivedAt = time.GetUtcNow();
            var token = ReporterToken.New();
            MimeMessage? message = null;
            EmailReport.Parsed parsed;
            try
            {
                message = await MimeMessage.LoadAsync(new MemoryStream(raw, writable: false), ct);
                parsed = EmailReport.From(message, raw, receivedAt, intakeOptions.Value.MaxDescriptionChars);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Not a message MimeKit can read (no headers at all, say): kept raw, like one whose fields cannot be stored.
                logger.ImapMessageUnreadable(uid.Id, e.GetType().Name);
                parsed = EmailReport.Unparsed(raw, receivedAt);
            }
            var replyWanted = message is not null && ReplyWanted(message, parsed.Report);
            (bool Stored, string Key) result;
            try { result = await StoreAsync(parsed, token, replyWanted, ct); }
            catch (Exception e) when (e is PostgresException { IsTransient: false } or ArgumentException) // Npgsql: EncoderFallbackException
            {
                // A field the database refuses must not leave the message unseen and in the way of every later one.
                logger.ImapMessageUnreadable(uid.Id, e.GetType().Name);
                parsed = EmailReport.Unparsed(raw, receivedAt);
                replyWanted = false; // nothing read from it, not even the sender
                result = await StoreAsync(parsed, token, replyWanted, ct);
            }
            if (result.Stored) created++;
            if (replyWanted) await AcknowledgeAsync(message!, parsed.Report, result.Key, token, ct);
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, silent: true, ct);
        }
        // Everything through the last UID is taken, unless the batch left some; a first poll takes the mail read
        // before it as old.
        var takenThrough = mark is not null && found.Count > taken.Count ? taken[^1].Id : last;
        if (takenThrough is { } t && (mark is null || t > mark)) await MailboxMarkStore.AdvanceAsync(db, mailbox, folder.UidValidity, t, ct);
        await client.DisconnectAsync(true, ct);
        logger.ImapPolled(created, taken.Count);
        return created;
    }

    private bool ReplyWanted(MimeMessage received, Report report) =>
        acknowledger.Enabled && acknowledger.Wanted(received, report.ReporterEmail);

    /// <summary>
    /// Best effort, after the report is committed: a failed reply is logged, and the report stands. The report stays
    /// locked while its reply is sent, so of two instances that fetched the message only one answers it; a reply still
    /// due from before a stop goes now, with this fetch's token (the one it was stored with reached no one). A follow-up
    /// has no reply due.
    /// </summary>
    private async Task AcknowledgeAsync(MimeMessage received, Report report, string key, string token, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockHeldWhileSending.KeepAsync(conn, tx);
        if (await ReportStore.TakeDueReplyAsync(conn, tx, key, ReporterToken.Hash(token), ct) is not { } reportId) return;
        try
        {
            await acknowledger.SendAsync(acknowledger.Compose(received, report with { Id = reportId }, token), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.ReportAcknowledgementFailed(reportId, e.GetType().Name);
            return;
        }
        logger.ReportAcknowledged(reportId);
        await ReportStore.ReplySentAsync(conn, tx, reportId, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Whether the report holds every attachment the mail gives, by content. The whole mail kept as an attachment
    /// of a mail with nothing else (EmailReport.From) differs with each route it came by, and is left out.</summary>
    private static async Task<bool> HoldsAttachmentsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid reportId, EmailReport.Parsed parsed)
    {
        var given = parsed.Attachments.Where(a => !ReferenceEquals(a.Content, parsed.Raw)).ToList();
        if (given.Count == 0) return true;
        var held = await ReportStore.AttachmentHashesAsync(conn, tx, reportId);
        return given.All(a => held.Contains(Convert.ToHexString(SHA256.HashData(a.Content))));
    }

    /// <returns>whether a new report was stored, and the key (reports.message_id) this mail is stored under, now or before.</returns>
    /// <param name="replyDue">the sender is to be answered, unless the mail turns out to answer one kept before (a reply
    /// to a report's mail or its acknowledgement, or to a notice whose subject names a case).</param>
    private async Task<(bool Stored, string Key)> StoreAsync(EmailReport.Parsed parsed, string token, bool replyDue, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // A follow-up joins the case of what it answers, so the team finds it with the report and not as a new one; it is
        // not acknowledged: its sender holds the token of the report, or is a downstream contact.
        var answered = await ReportStore.AnsweredAsync(conn, tx, parsed.Report.Id, parsed.Replies);
        var caseId = answered?.CaseId ?? (parsed.CaseTag is { } tag ? await ReportStore.CaseByTagAsync(conn, tx, tag) : null);
        replyDue &= answered is null && caseId is null;
        var key = parsed.Report.MessageId!;
        if (!await ReportStore.TryInsertAsync(conn, tx, parsed.Report, ReporterToken.Hash(token), parsed.Raw, replyDue))
        {
            // The Message-Id is known: the same mail again (fetched twice, or by a second route with other Received
            // headers) is no new report, but another mail reusing it (a broken mailer, or one who knows the id) must not
            // vanish, also one whose text is the same but whose attachments are not (a PoC sent again, or a mail with
            // attachments only). The same bytes are the same mail however this version reads them (a parser change,
            // another Intake:MaxDescriptionChars since the first fetch).
            var first = await ReportStore.GetByMessageIdAsync(conn, tx, key);
            if (first is null
                || ((first.ReporterEmail, first.Subject, first.Description) == (parsed.Report.ReporterEmail, parsed.Report.Subject, parsed.Report.Description)
                    && await HoldsAttachmentsAsync(conn, tx, first.Id, parsed))
                || await ReportStore.HoldsRawAsync(conn, tx, key, parsed.Raw))
                return (false, key);
            key = EmailReport.DistinctKey(parsed);
            if (!await ReportStore.TryInsertAsync(conn, tx, parsed.Report with { MessageId = key }, ReporterToken.Hash(token), parsed.Raw, replyDue))
                return (false, key);
        }
        foreach (var attachment in parsed.Attachments) await ReportStore.InsertAttachmentAsync(conn, tx, attachment);
        if (answered is { } answers) await ReportStore.SetAnswersAsync(conn, tx, parsed.Report.Id, answers.ReportId);
        if (caseId is { } joined) await ReportStore.AssignCaseAsync(conn, tx, joined, [parsed.Report.Id]);
        await AuditLog.AppendAsync(conn, tx, new Actor(null, "security mailbox"), "report.received", parsed.Report.ReceivedAt, caseId,
            new { reportId = parsed.Report.Id, parsed.Report.Source, attachments = parsed.Attachments.Count, answersReportId = answered?.ReportId });
        await tx.CommitAsync(ct);
        logger.ReportReceived(parsed.Report.Id, parsed.Report.Source);
        return (true, key);
    }
}
