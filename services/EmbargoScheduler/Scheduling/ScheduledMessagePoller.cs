using Dapper;
using EmbargoScheduler.Policy;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;
using Npgsql;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// The clock's hand. Claims due messages FOR UPDATE SKIP LOCKED (several instances never claim the same row),
/// forwards them, marks them sent and commits in the same transaction; then sleeps until the next due time, woken
/// early by NOTIFY when something is scheduled. Overdue messages (e.g. after downtime) are due at once. One that could
/// not be forwarded stays pending and is tried again after a wait (up to 30 s), out of the way of those due after it.
/// A crash between forwarding and commit forwards the message again with the same message id and token:
/// delivery is at least once, and receivers tell a repeat by either.
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

    private DateTimeOffset lastPurge = DateTimeOffset.MinValue;

    private readonly SemaphoreSlim wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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

    /// <summary>Forwards one batch of due messages; a message that could not be forwarded stays pending.</summary>
    public async Task<FireResult> FireDueAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var now = time.GetUtcNow();
        var due = await ScheduledMessageStore.ClaimDueAsync(conn, tx, now, BatchSize, ct);
        if (due.Count == 0) return new FireResult(0, 0, now);

        var results = await Task.WhenAll(due.Select(m => ForwardAsync(m, now, ct)));
        var sent = due.Where((_, i) => results[i]).Select(m => m.TokenId).ToList();
        var failed = due.Where((_, i) => !results[i]).Select(m => m.TokenId).ToList();
        // Not cancelled by the host stopping: what has been forwarded must be recorded as sent. Rolled back, its row
        // would be pending again, and a saga's cancel waiting on it (an extension, a withdrawal at the instant) would
        // succeed although the message (a publication) is on its way.
        var forwarded = time.GetUtcNow(); // sent_at: when forwarding finished
        await ScheduledMessageStore.MarkSentAsync(conn, tx, sent, forwarded, CancellationToken.None);
        if (failed.Count > 0) await ScheduledMessageStore.MarkForwardFailedAsync(conn, tx, failed, forwarded, CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        LogFired(sent.Count, failed.Count);
        return new FireResult(due.Count, failed.Count, now);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clock round failed ({ErrorType}); retrying")]
    private partial void LogFireFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clock LISTEN connection failed ({ErrorType}); reconnecting")]
    private partial void LogListenFailed(string errorType);
}
