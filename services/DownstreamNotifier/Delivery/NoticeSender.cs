using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using DownstreamNotifier.Email;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Delivers pending and due deferred notices with "Smtp:MaxConnections" workers, each reusing one SMTP connection.
/// A worker locks a batch FOR UPDATE SKIP LOCKED in a transaction it keeps open while sending (a crash releases
/// the lock and the rows stay pending); the moment the server accepts a notice, that is written in its own
/// autocommit statement (notice_acceptances), so a crash before the batch commits does not send it again.
/// The one window left: a crash between the server's acceptance and that single insert (one loopback round trip).
/// </summary>
public sealed partial class NoticeSender(
    NpgsqlDataSource dataSource,
    NoticeComposer composer,
    NoticeSignal signal,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<NotifierOptions> options,
    TimeProvider time,
    ILogger<NoticeSender> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, NotificationRecord> notifications = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, smtpOptions.Value.MaxConnections).Select(i => Task.Run(() => WorkerAsync(i, stoppingToken), stoppingToken)));

    private async Task WorkerAsync(int worker, CancellationToken ct)
    {
        using var smtp = new SmtpClient();
        var idleSince = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var count = await SendBatchAsync(smtp, ct);
                if (count > 0) { idleSince = DateTime.UtcNow; continue; }
                if (smtp.IsConnected && DateTime.UtcNow - idleSince > TimeSpan.FromSeconds(20))
                    await smtp.DisconnectAsync(true, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogWorkerFailed(worker, e.GetType().Name);
                await Task.Delay(1000, ct).ContinueWith(_ => { });
            }
            await signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs), ct).ContinueWith(_ => { });
        }
        if (smtp.IsConnected) await smtp.DisconnectAsync(true, CancellationToken.None).ContinueWith(_ => { });
    }

    /// <returns>how many notices this batch handled.</returns>
    public async Task<int> SendBatchAsync(SmtpClient smtp, CancellationToken ct)
    {
        var o = options.Value;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var batch = await NoticeStore.ClaimAsync(conn, tx, time.GetUtcNow(), o.BatchSize, ct);
        if (batch.Count == 0) return 0;
        // Loaded before composing starts: the composing task must not share this connection.
        foreach (var id in batch.Select(n => n.NotificationId).Distinct()) await NotificationAsync(conn, id);

        await using var acceptConn = await dataSource.OpenConnectionAsync(ct);
        await using var accepted = await NoticeStore.PrepareAcceptedAsync(acceptConn, ct);
        var outcomes = new List<DeliveryOutcome>(batch.Count);
        var serverDown = false;
        // Messages are built (and encrypted) a few ahead, on another thread, while this one waits for the mail
        // server and the database: the CPU work no longer sits between two round trips. Sending stays in order,
        // one notice at a time per connection, each acceptance recorded before the next is sent.
        using var stopComposing = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var composed = Channel.CreateBounded<ComposedNotice>(new BoundedChannelOptions(ComposeAhead) { SingleReader = true, SingleWriter = true });
        var composing = Task.Run(() => ComposeAllAsync(batch, composed.Writer, stopComposing.Token), CancellationToken.None);
        try
        {
            foreach (var notice in batch)
            {
                var attempts = notice.Attempts + 1;
                var now = time.GetUtcNow();
                DeliveryOutcome Deferred(string error) => attempts >= o.RetryMaxAttempts
                    ? new(notice.Id, "failed", attempts, now, $"gave up after {attempts} attempts: {error}", null, null)
                    : new(notice.Id, "deferred", attempts, now + RetrySchedule.Delay(attempts, o), error, null, null);

                if (serverDown) { outcomes.Add(Deferred("mail server unreachable")); continue; }
                var item = await composed.Reader.ReadAsync(ct);
                try
                {
                    var message = item.Open();
                    if (!smtp.IsConnected) await SmtpConnector.ConnectAsync(smtp, smtpOptions.Value, ct);
                    var reply = await smtp.SendAsync(message, ct);
                    await NoticeStore.RecordAcceptedAsync(accepted, notice.Id, reply, time.GetUtcNow(), CancellationToken.None);
                    outcomes.Add(new(notice.Id, "sent", attempts, now, null, reply, time.GetUtcNow()));
                }
                catch (NoticeKeyException e)
                {
                    outcomes.Add(new(notice.Id, "failed", attempts, now, e.Message, null, null));
                }
                catch (SmtpCommandException e) when ((int)e.StatusCode >= 500)
                {
                    outcomes.Add(new(notice.Id, "failed", attempts, now, $"{(int)e.StatusCode} {e.ErrorCode}: {Trim(e.Message)}", null, null));
                }
                catch (SmtpCommandException e)
                {
                    outcomes.Add(Deferred($"{(int)e.StatusCode} {e.ErrorCode}: {Trim(e.Message)}"));
                }
                catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
                                              or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException or TimeoutException
                                              or OperationCanceledException && !ct.IsCancellationRequested)
                {
                    outcomes.Add(Deferred($"connection: {e.GetType().Name}: {Trim(e.Message)}"));
                    if (smtp.IsConnected) await smtp.DisconnectAsync(false, CancellationToken.None).ContinueWith(_ => { });
                    serverDown = e is SocketException || e.InnerException is SocketException;
                    if (serverDown) await stopComposing.CancelAsync();
                }
            }
        }
        finally
        {
            await stopComposing.CancelAsync();
            await composing;
        }
        await NoticeStore.RecordOutcomesAsync(conn, tx, outcomes, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        var failed = outcomes.Count(x => x.State != "sent");
        if (failed > 0) LogBatchProblems(batch.Count, failed);
        return batch.Count;
    }

    private const int ComposeAhead = 8;

    /// <summary>Composes the batch in order into the channel; stops quietly when told to.</summary>
    private async Task ComposeAllAsync(List<ClaimedNotice> batch, ChannelWriter<ComposedNotice> writer, CancellationToken ct)
    {
        try
        {
            foreach (var notice in batch)
            {
                ComposedNotice item;
                try { item = new(composer.Compose(notifications[notice.NotificationId], notice, time.GetUtcNow()), null); }
                catch (Exception e) { item = new(null, ExceptionDispatchInfo.Capture(e)); }
                await writer.WriteAsync(item, ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        writer.TryComplete();
    }

    /// <summary>A composed notice, or what composing it threw (rethrown where it is sent, as if composed there).</summary>
    private sealed record ComposedNotice(MimeMessage? Message, ExceptionDispatchInfo? Failure)
    {
        public MimeMessage Open()
        {
            Failure?.Throw();
            return Message!;
        }
    }

    private async Task<NotificationRecord> NotificationAsync(NpgsqlConnection conn, Guid id)
    {
        if (notifications.TryGetValue(id, out var n)) return n;
        n = await NoticeStore.NotificationAsync(conn, id) ?? throw new InvalidOperationException("notification row missing");
        return notifications.GetOrAdd(id, n);
    }

    // Server replies name the recipient at most; never the content.
    private static string Trim(string s) => s.Length > 300 ? s[..300] : s;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sender worker {Worker} failed ({Error}); retrying")]
    private partial void LogWorkerFailed(int worker, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch of {Count} notices: {NotSent} deferred or failed")]
    private partial void LogBatchProblems(int count, int notSent);
}
