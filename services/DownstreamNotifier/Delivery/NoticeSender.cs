using System.Diagnostics;
using System.Net.Sockets;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using DownstreamNotifier.Email;
using DownstreamNotifier.WarmUp;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Delivers pending and due deferred notices with "Smtp:MaxConnections" workers, each reusing one SMTP connection.
/// A worker locks a batch FOR UPDATE SKIP LOCKED in a transaction it keeps open while sending (a crash releases
/// the lock and the rows stay pending); the moment the server accepts a notice, that is committed on its own
/// (notice_acceptances, by the <see cref="AcceptanceRecorder"/>, in groups), and a worker sends a notice only once all
/// but the last of its acceptances before it are committed. After a crash before the batch commits, the next claim of
/// a notice on record finds it and marks it sent without sending it again. The one window left: a crash between the
/// server's acceptance and that commit (a few milliseconds), after which that notice goes again, with the same
/// Message-Id: at most two per connection.
/// </summary>
/// <remarks>
/// Each worker is a thread of its own doing blocking I/O on a socket it connected itself (<see cref="SenderConnection"/>),
/// so each SMTP reply wakes it directly; with async continuations every reply woke the socket-engine thread and then a
/// thread-pool thread first.
/// </remarks>
public sealed partial class NoticeSender(
    DeliveryDataSource deliveryDataSource,
    NpgsqlDataSource dataSource,
    NoticeComposer composer,
    NoticeSignal signal,
    AcceptanceRecorder acceptances,
    IOptions<SmtpOptions> smtpOptions,
    IOptions<NotifierOptions> options,
    IOptions<HostOptions> hostOptions,
    TimeProvider time,
    ILogger<NoticeSender> logger) : BackgroundService
{
    private readonly ClaimCursor cursor = new();
    private readonly string[] encryptionChannels = options.Value.EncryptionChannels();
    private static readonly TimeSpan UnexpectedFailurePause = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a worker sends on without asking whether its batch's database session still holds the rows' locks. A
    /// session lost while the process runs on (a proxy's idle timeout, a failover, an administrator's
    /// pg_terminate_backend) releases them: another worker claims the notices not yet accepted and sends them, and so
    /// would this one, to the end of its batch. With the check (before a send, once this long has passed since the last),
    /// only what it sent in the last such interval can go twice.
    /// </summary>
    private static readonly TimeSpan SessionCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a stopping worker lets a send in progress run on: a server that has the message and answers its end
    /// late (a milter, a virus scan) would otherwise get it again after the restart, its acceptance never recorded.
    /// Two thirds of the host's shutdown time, leaving the rest to record it and to stop the bus.
    /// </summary>
    private TimeSpan StopGrace => hostOptions.Value.ShutdownTimeout * 2 / 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WarmUpAsync(stoppingToken);
        await Task.WhenAll(Enumerable.Range(0, smtpOptions.Value.MaxConnections).Select(i => OnThreadOfItsOwn(i, stoppingToken)));
    }

    /// <summary>Compiles the sending and database paths before the first fan-out; see NoticeWarmUp and DatabaseWarmUp.</summary>
    private async Task WarmUpAsync(CancellationToken ct)
    {
        try
        {
            var (elapsed, sent) = await Task.Run(() => NoticeWarmUp.Run(composer), ct);
            LogWarmedUp(sent, (long)elapsed.TotalMilliseconds);
            await DatabaseWarmUp.RunAsync(dataSource, options.Value.MaxDepth, ct);
        }
        catch (Exception e) when (e is not OutOfMemoryException) { LogWarmUpFailed(e.GetType().Name); }
    }

    private Task OnThreadOfItsOwn(int worker, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try { Worker(worker, ct); done.TrySetResult(); }
            catch (Exception e) { done.TrySetException(e); }
        }) { IsBackground = true, Name = $"notice-sender-{worker}" }.Start();
        return done.Task;
    }

    private void Worker(int worker, CancellationToken ct)
    {
        using var smtp = new SenderConnection(smtpOptions.Value);
        using var abort = ct.Register(() => smtp.AbortAfter(StopGrace));
        var idleSince = DateTime.UtcNow;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var count = SendBatch(smtp, ct);
                if (count > 0) { idleSince = DateTime.UtcNow; continue; }
                if (smtp.IsConnected && DateTime.UtcNow - idleSince > TimeSpan.FromSeconds(20))
                    smtp.Disconnect(true);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogWorkerFailed(worker, e.GetType().Name);
                ct.WaitHandle.WaitOne(1000);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Anything else: the batch rolled back. The worker's thread must not end over it (when all had ended, the
                // host stopped with exit code 0); the connection may be mid-command, so it is dropped. Type name only.
                LogWorkerFailedUnexpectedly(worker, e.GetType().Name);
                smtp.Disconnect(false);
                ct.WaitHandle.WaitOne(UnexpectedFailurePause);
            }
            catch (Exception) { return; } // stopping
            try { signal.WaitAsync(TimeSpan.FromMilliseconds(options.Value.PollIntervalMs), ct).GetAwaiter().GetResult(); }
            catch (OperationCanceledException) { }
        }
    }

    /// <returns>how many notices this batch handled.</returns>
    public int SendBatch(SenderConnection smtp, CancellationToken ct)
    {
        var o = options.Value;
        using var conn = deliveryDataSource.Value.OpenConnection();
        using var tx = conn.BeginTransaction();
        var from = cursor.ClaimFrom(time.GetUtcNow());
        var batch = NoticeStore.ClaimBatch(conn, tx, time.GetUtcNow(), o.BatchSize, from, encryptionChannels);
        if (batch.Count == 0) return 0;
        cursor.Advance(batch.Select(n => new ClaimCursor.Position(n.NextAttemptAt, n.Id)).Max());

        // The rounds of this batch's notices (one or two, mostly), read once each. Kept no longer than the batch: a
        // round's record holds its advisory draft, embargoed content that has no business staying in memory for good.
        var rounds = new Dictionary<Guid, NotificationRecord>();
        var outcomes = new List<DeliveryOutcome>(batch.Count);
        var serverDown = false;
        var reconciled = 0;
        var uncommitted = new Queue<AcceptanceRecorder.Pending>();
        var sessionCheckedAt = Stopwatch.GetTimestamp();
        foreach (var notice in batch)
        {
            var attempts = notice.Attempts + 1;
            var now = time.GetUtcNow();
            DeliveryOutcome Deferred(string error) => attempts >= o.RetryMaxAttempts
                ? new(notice.Id, "failed", attempts, now, $"gave up after {attempts} attempts: {error}", null, null)
                : new(notice.Id, "deferred", attempts, now + RetrySchedule.Delay(attempts, o), error, null, null);

            if (notice.Accepted)
            {
                outcomes.Add(new(notice.Id, "sent", attempts, now, null, notice.AcceptedReply, notice.AcceptedAt));
                reconciled++;
                continue;
            }
            if (notice.ContactDeleted) { outcomes.Add(new(notice.Id, "failed", attempts, now, "contact deleted", null, null)); continue; }
            // Reminders go only to those who have not acknowledged: one waiting (deferred by the server, say) when its
            // contact acknowledges is not sent.
            if (notice.AcknowledgedSince) { outcomes.Add(new(notice.Id, "cancelled", notice.Attempts, now, AcknowledgedSince, null, null)); continue; }
            if (serverDown) { outcomes.Add(Deferred("mail server unreachable")); continue; }
            // Stopping: the notices not yet tried stay as they are, for the next claim; those handled are recorded.
            if (ct.IsCancellationRequested) break;
            var round = Round(conn, rounds, notice.NotificationId); // the database's failures roll the batch back
            MimeKit.MimeMessage message;
            string mode;
            try
            {
                message = composer.Compose(round, notice, now, out mode);
            }
            catch (NoticeKeyException e)
            {
                outcomes.Add(new(notice.Id, "failed", attempts, now, e.Message, null, null));
                continue;
            }
            catch (Exception e) when (e is not OutOfMemoryException && !ct.IsCancellationRequested)
            {
                // Whatever composing one notice throws (a key OpenSSL refuses, a bug) fails that notice alone. The
                // exception's message is not kept: it could quote what was being composed.
                outcomes.Add(new(notice.Id, "failed", attempts, now, $"{e.GetType().Name}: the notice could not be composed", null, null));
                LogComposeFailed(notice.Id, e.GetType().Name);
                continue;
            }
            try
            {
                if (Stopwatch.GetElapsedTime(sessionCheckedAt) > SessionCheckInterval)
                {
                    NoticeStore.CheckSession(conn, tx); // throws when the session (and with it the batch's locks) is gone
                    sessionCheckedAt = Stopwatch.GetTimestamp();
                }
                while (uncommitted.Count > AcceptanceRecorder.UncommittedPerWorker) uncommitted.Dequeue().WaitCommitted();
                var reply = Trim(smtp.Send(message, ct));
                var acceptedAt = time.GetUtcNow();
                uncommitted.Enqueue(acceptances.Record(notice.Id, reply, acceptedAt));
                outcomes.Add(new(notice.Id, "sent", attempts, now, null, reply, acceptedAt, notice.Email, mode == notice.Mode ? null : mode));
            }
            catch (Exception e) when (smtp.Aborted || (e is OperationCanceledException && ct.IsCancellationRequested))
            {
                // The stop's grace passed and Abort closed the connection under the send, or the stop came while
                // connecting: the batch rolls back (what the server accepted so far is on record), the notice keeps its
                // attempts. Any other failure while stopping is judged as ever, below.
                throw new OperationCanceledException("stopping", e, ct);
            }
            catch (NpgsqlException) { throw; } // an acceptance not recorded: the batch rolls back (see AcceptanceRecorder)
            // A 552 to RCPT TO (a mailbox over its quota) is temporary, as RFC 5321 4.5.3.1.10 asks clients to take it.
            catch (SmtpCommandException e) when ((int)e.StatusCode >= 500
                                                 && !(e.ErrorCode == SmtpErrorCode.RecipientNotAccepted && (int)e.StatusCode == 552))
            {
                outcomes.Add(new(notice.Id, "failed", attempts, now, $"{(int)e.StatusCode} {e.ErrorCode}: {Trim(e.Message)}", null, null));
            }
            catch (SmtpCommandException e)
            {
                outcomes.Add(Deferred($"{(int)e.StatusCode} {e.ErrorCode}: {Trim(e.Message)}"));
            }
            catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException
                                          or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException or TimeoutException
                                          or OperationCanceledException)
            {
                outcomes.Add(Deferred($"connection: {e.GetType().Name}: {Trim(e.Message)}"));
                smtp.Disconnect(false);
                serverDown = e is SocketException || e.InnerException is SocketException;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any other failure of the send (TLS handshake, STARTTLS or AUTH not offered, ...) is the connection's,
                // not the notice's: deferred, the connection dropped. Its message is not kept (type name only).
                outcomes.Add(Deferred($"connection: {e.GetType().Name}"));
                smtp.Disconnect(false);
                serverDown = e is MailKit.Security.SslHandshakeException or NotSupportedException;
                LogSendFailed(notice.Id, e.GetType().Name);
            }
        }
        while (uncommitted.Count > 0) uncommitted.Dequeue().WaitCommitted();
        NoticeStore.RecordOutcomes(conn, tx, outcomes);
        tx.Commit();
        var failed = outcomes.Count(x => x.State != "sent");
        if (failed > 0) LogBatchProblems(batch.Count, failed);
        if (reconciled > 0) LogReconciled(reconciled);
        return batch.Count;
    }

    private static NotificationRecord Round(NpgsqlConnection conn, Dictionary<Guid, NotificationRecord> rounds, Guid id)
    {
        if (!rounds.TryGetValue(id, out var round))
            rounds[id] = round = NoticeStore.Notification(conn, id) ?? throw new InvalidOperationException("notification row missing");
        return round;
    }

    public const string AcknowledgedSince = "acknowledged since the reminder was recorded";

    // A server's text as kept with the notice: bounded, and without NUL, which PostgreSQL text cannot hold (the batch's
    // outcomes would fail to be recorded, and its notices go again and again). Server replies name the recipient at
    // most; never the content.
    private static string Trim(string s) => (s.Length > 300 ? s[..300] : s).Replace("\0", "", StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending path warmed up: {Count} notices composed and sent to a discarding server in this process in {Milliseconds} ms")]
    private partial void LogWarmedUp(int count, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Warming up the sending and database paths failed ({Error}); the first notices compile them instead")]
    private partial void LogWarmUpFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sender worker {Worker} failed ({Error}); retrying")]
    private partial void LogWorkerFailed(int worker, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Sender worker {Worker} failed unexpectedly ({Error}); its batch rolled back, retrying after a pause")]
    private partial void LogWorkerFailedUnexpectedly(int worker, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Notice {NoticeId} could not be composed ({Error}); failed")]
    private partial void LogComposeFailed(long noticeId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sending notice {NoticeId} failed ({Error}); deferred as a connection problem")]
    private partial void LogSendFailed(long noticeId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Marked {Count} notices sent that the mail server had accepted before a restart")]
    private partial void LogReconciled(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch of {Count} notices: {NotSent} deferred or failed")]
    private partial void LogBatchProblems(int count, int notSent);
}
