using Coordination.Hosting.Data;
using Coordination.Hosting.Mail;
using Disclosure.Data;
using Disclosure.Options;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;

namespace Disclosure.Announcements;

/// <summary>
/// Sends queued announcements. A row stays locked (FOR UPDATE SKIP LOCKED) while it is sent, so two instances never
/// send the same one; a failure is retried with exponential backoff up to Disclosure:AnnounceMaxAttempts.
/// The row is marked sent and committed as soon as the server has accepted the message (its "250"), before the
/// session is closed: a QUIT that goes unanswered, or the process dying then, does not send it again. The Message-Id
/// is derived from the case and version, so a resend after a crash between the "250" and that commit can be
/// recognised by the list. An announcement the list has not taken when the advisory is withdrawn is never sent; one
/// waiting when a later version is published carries that version (see AnnouncementStore.ReviseUnsentAsync).
/// </summary>
public sealed partial class AnnouncementSender(
    NpgsqlDataSource dataSource,
    IOptions<SmtpOptions> smtp,
    IOptions<DisclosureOptions> options,
    ILogger<AnnouncementSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var wake = new SemaphoreSlim(0);
        _ = ListenAsync(wake, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SendOneAsync(stoppingToken)) { }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed(e.GetType().Name);
            }
            try { await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <returns>true when a row was due (sent or failed), false when none was.</returns>
    public async Task<bool> SendOneAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await LockHeldWhileSending.KeepAsync(conn, tx);
        var row = await AnnouncementStore.ClaimAsync(conn, tx);
        if (row is null) return false;
        if (row.Withdrawn)
        {
            await AnnouncementStore.MarkWithdrawnAsync(conn, tx, row.Id);
            await tx.CommitAsync(ct);
            LogWithdrawn(row.CaseId, row.Version);
            return true;
        }
        // From here the attempt runs to its end whatever the host's stop (bounded by the SMTP timeout): cut short
        // after the server's "250" and before the commit, it would leave the row unsent, and the list would get the
        // announcement again from the next instance.
        using var client = new SmtpClient();
        try
        {
            await SendAsync(client, row, CancellationToken.None);
            await AnnouncementStore.MarkSentAsync(conn, tx, row.Id);
            LogSent(row.CaseId, row.Version, row.Attempts + 1);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var attempts = row.Attempts + 1;
            var giveUp = attempts >= options.Value.AnnounceMaxAttempts;
            var delay = BackoffSeconds(attempts) * (0.8 + Random.Shared.NextDouble() * 0.4);
            await AnnouncementStore.MarkFailedAsync(conn, tx, row.Id, e.GetType().Name, delay, giveUp);
            if (giveUp) LogGaveUp(row.CaseId, row.Version, attempts, e.GetType().Name);
            else LogFailed(row.CaseId, row.Version, attempts, e.GetType().Name);
        }
        await tx.CommitAsync(CancellationToken.None);
        await QuitAsync(client, ct);
        return true;
    }

    /// <summary>The wait after a failed attempt, before ±20 % jitter: doubling from 2 s, at most 10 minutes.</summary>
    public static double BackoffSeconds(int attempts) => Math.Min(Math.Pow(2, attempts), 600);

    /// <summary>Closes the session once the outcome is committed; the message is accepted (or failed) whatever this does.</summary>
    private static async Task QuitAsync(SmtpClient client, CancellationToken ct)
    {
        if (!client.IsConnected) return;
        try { await client.DisconnectAsync(true, ct); }
        catch (Exception) { } // also the host stopping: the outcome is committed
    }

    private async Task SendAsync(SmtpClient client, AnnouncementRow row, CancellationToken ct)
    {
        var o = smtp.Value;
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(o.FromName, o.From));
        message.To.Add(MailboxAddress.Parse(row.Recipient));
        message.Subject = row.Subject;
        message.MessageId = $"announce-{row.CaseId:N}-{row.Version}@{o.From.Split('@')[^1]}";
        message.Body = new TextPart("plain") { Text = row.Body };
        await SmtpConnector.ConnectAsync(client, o, ct);
        await client.SendAsync(message, ct);
    }

    private async Task ListenAsync(SemaphoreSlim wake, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => wake.Release();
                await using (var cmd = new NpgsqlCommand("LISTEN disclosure_announcements", conn)) await cmd.ExecuteNonQueryAsync(ct);
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception) { await Task.Delay(1000, ct).ContinueWith(_ => { }, TaskScheduler.Default); }
        }
    }

    [LoggerMessage(LogLevel.Information, "Announcement of case {CaseId} version {Version} sent (attempt {Attempt})")]
    private partial void LogSent(Guid caseId, int version, int attempt);

    [LoggerMessage(LogLevel.Warning, "Announcement of case {CaseId} version {Version} failed (attempt {Attempt}, {Error}); will retry")]
    private partial void LogFailed(Guid caseId, int version, int attempt, string error);

    [LoggerMessage(LogLevel.Error, "Announcement of case {CaseId} version {Version} given up after {Attempt} attempts ({Error})")]
    private partial void LogGaveUp(Guid caseId, int version, int attempt, string error);

    [LoggerMessage(LogLevel.Warning, "Announcement of case {CaseId} version {Version} not sent: the advisory was withdrawn before the list took it")]
    private partial void LogWithdrawn(Guid caseId, int version);

    [LoggerMessage(LogLevel.Warning, "Announcement loop failed: {Error}")]
    private partial void LogLoopFailed(string error);
}
