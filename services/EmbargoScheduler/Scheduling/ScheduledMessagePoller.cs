using Dapper;
using EmbargoScheduler.Policy;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// The clock's hand. Claims due messages FOR UPDATE SKIP LOCKED (several instances never claim the same row), marks
/// them sending and commits, forwards them, then marks them sent; then sleeps until the next due time, woken early by
/// NOTIFY when something is scheduled. Overdue messages (e.g. after downtime) are due at once. Once a message is
/// sending it can no longer be cancelled: a saga's cancel (an extension, a withdrawal at the instant) learns that it
/// has gone, even if this process dies before recording it sent. Such a message is forwarded again, with the same
/// message id and token, once its lease has run out: delivery is at least once, and receivers tell a repeat by either.
/// One that could not be forwarded stays sending and is tried again after a wait (up to 30 s), out of the way of those
/// due after it.
/// </summary>
public sealed partial class ScheduledMessagePoller(
    NpgsqlDataSource dataSource,
    ScheduledMessageStore store,
    IOptions<EmbargoOptions> options,
    IBus bus,
    TimeProvider time,
    ILogger<ScheduledMessagePoller> logger) : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan MaxSleep = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan FailureBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan LockedPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PurgeEvery = TimeSpan.FromHours(1);
    // How long a claim is this clock's to forward before another (or this one, restarted) forwards it again: far
    // longer than a forward takes, short enough that a publication claimed just before a crash is not held up long.
    public static readonly TimeSpan SendingLease = TimeSpan.FromSeconds(30);

    private DateTimeOffset lastPurge = DateTimeOffset.MinValue;

    private readonly SemaphoreSlim wake = new(0);

    // Beyond it the start says how far this host's clock is from PostgreSQL's.
    private static readonly TimeSpan NotableSkew = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await SayClockSkewAsync(stoppingToken);
        _ = ListenAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            var sleep = MaxSleep;
            try
            {
                FireResult round;
                do round = await FireDueAsync(stoppingToken);
                while (round.Claimed == BatchSize && round.Failed == 0);
                await PurgeIfDueAsync(stoppingToken);
                var next = await store.NextDueAsync(stoppingToken);
                if (next is { } due) sleep = Clamp(due - time.GetUtcNow());
                // Due at the claim yet not claimed: another instance or a saga's cancel holds the row, and its commit
                // decides. Look again shortly (or when woken) instead of spinning on it.
                if (round.Claimed == 0 && next <= round.ClaimedAt) sleep = LockedPause;
                if (round.Failed > 0) sleep = FailureBackoff;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFireFailed(e.GetType().Name);
                sleep = FailureBackoff;
            }
            try
            {
                if (sleep > TimeSpan.Zero) await wake.WaitAsync(sleep, stoppingToken);
                while (wake.Wait(0)) { } // one wake-up is enough for any number of notifications
            }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <param name="ClaimedAt">The instant the claim took as now: rows due by then and left unclaimed were locked.</param>
    public readonly record struct FireResult(int Claimed, int Failed, DateTimeOffset ClaimedAt);

    /// <summary>
    /// Forwards one batch of due messages. They are marked sending and committed first, so that a cancel from then on
    /// is refused whatever happens to this process; one that could not be forwarded stays sending and goes later.
    /// </summary>
    public async Task<FireResult> FireDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<ScheduledMessageRecord> due;
        await using (var conn = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            due = await ScheduledMessageStore.ClaimDueAsync(conn, tx, now, now + SendingLease, BatchSize, ct);
            if (due.Count == 0) return new FireResult(0, 0, now);
            await tx.CommitAsync(ct);
        }

        var results = await Task.WhenAll(due.Select(m => ForwardAsync(m, now, ct)));
        var sent = due.Where((_, i) => results[i]).Select(m => m.TokenId).ToList();
        var failed = due.Where((_, i) => !results[i]).Select(m => m.TokenId).ToList();
        // Not cancelled by the host stopping: what has been forwarded is recorded as sent (else it would go again once
        // its lease ran out).
        var forwarded = time.GetUtcNow(); // sent_at: when forwarding finished
        await using (var conn = await dataSource.OpenConnectionAsync(CancellationToken.None))
        {
            await ScheduledMessageStore.MarkSentAsync(conn, null, sent, forwarded, CancellationToken.None);
            if (failed.Count > 0) await ScheduledMessageStore.MarkForwardFailedAsync(conn, null, failed, forwarded, CancellationToken.None);
        }
        LogFired(sent.Count, failed.Count);
        return new FireResult(due.Count, failed.Count, now);
    }

    /// <summary>
    /// A message goes once this host's clock and PostgreSQL's have both reached its instant: a host clock ahead cannot
    /// send it early, but one behind sends it late by as much. Said once at start, so an operator can set the clocks.
    /// </summary>
    private async Task SayClockSkewAsync(CancellationToken ct)
    {
        try
        {
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            var before = time.GetUtcNow();
            var database = new DateTimeOffset(await conn.ExecuteScalarAsync<DateTime>("SELECT clock_timestamp()"), TimeSpan.Zero);
            var skew = database - (before + (time.GetUtcNow() - before) / 2);
            if (skew.Duration() > NotableSkew) LogClockSkew(skew.TotalSeconds);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is NpgsqlException or TimeoutException)
        {
            // The database does not answer yet: the clock's loop says so and keeps trying.
        }
    }

    private async Task PurgeIfDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now - lastPurge < PurgeEvery) return;
        lastPurge = now;
        var purged = await store.PurgeAsync(now - options.Value.ClockRetention, ct);
        if (purged > 0) LogPurged(purged);
    }

    private async Task<bool> ForwardAsync(ScheduledMessageRecord message, DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            var endpoint = await bus.GetSendEndpoint(new Uri(message.Destination));
            var pipe = new ForwardScheduledMessagePipe(message, new StoredMessageContext(message, now));
            await endpoint.Send(new SerializedMessageBody(), pipe, ct);
            return true;
        }
        catch (Exception e)
        {
            // Stopping: not forwarded as far as the clock knows; it goes at the next start (a send cut short may
            // have reached the broker: at least once, as after a crash).
            if (!ct.IsCancellationRequested) LogForwardFailed(message.TokenId, e.GetType().Name);
            return false;
        }
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => wake.Release();
                await conn.ExecuteAsync($"LISTEN {ScheduledMessageStore.Channel}");
                wake.Release(); // something may have been scheduled while not listening
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                LogListenFailed(e.GetType().Name);
                try { await Task.Delay(FailureBackoff, ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private static TimeSpan Clamp(TimeSpan untilDue) =>
        untilDue <= TimeSpan.Zero ? TimeSpan.Zero : untilDue > MaxSleep ? MaxSleep : untilDue;

    [LoggerMessage(Level = LogLevel.Information, Message = "Clock fired {Sent} scheduled message(s), {Failed} left for retry")]
    private partial void LogFired(int sent, int failed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Clock purged {Count} sent or cancelled message(s) past retention")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Forwarding scheduled token {TokenId} failed ({ErrorType}); it stays pending")]
    private partial void LogForwardFailed(Guid tokenId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "This host's clock is {Seconds:F1} s behind PostgreSQL's (negative: ahead); " +
        "a scheduled message goes once both clocks reach its instant, so set the clocks (NTP)")]
    private partial void LogClockSkew(double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clock round failed ({ErrorType}); retrying")]
    private partial void LogFireFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clock LISTEN connection failed ({ErrorType}); reconnecting")]
    private partial void LogListenFailed(string errorType);
}
