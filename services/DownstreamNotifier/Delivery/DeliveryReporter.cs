using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Data;
using DownstreamNotifier.WarmUp;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Every "Notifier:ProgressIntervalMs": publishes
/// DownstreamNotificationProgress for rounds whose counts moved, and DownstreamNotified (once) for rounds with
/// all their notices recorded (see NotifyDownstreamConsumer) and none pending or deferred (sent, failed and cancelled are
/// final); and sends the
/// NotifyDownstream of a round whose recording stopped short again (see <see cref="StalledRounds"/>).
/// </summary>
public sealed partial class DeliveryReporter(
    NpgsqlDataSource dataSource,
    IBus bus,
    IOptions<NotifierOptions> options,
    TimeProvider time,
    ILogger<DeliveryReporter> logger) : BackgroundService
{
    private readonly Dictionary<Guid, (long, long, long, long)> last = new();
    private readonly StalledRounds stalled = new(TimeSpan.FromSeconds(options.Value.RecordingOverdueSeconds), time.GetUtcNow());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await WarmUpPublishingAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try { await ReportAsync(stoppingToken); }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                LogReportFailed(e.GetType().Name);
            }
            try { await Task.Delay(options.Value.ProgressIntervalMs, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>
    /// Declares the exchanges of the events reported here and opens the publishing channel at startup, and publishes a
    /// <see cref="PublishPathWarmUp"/> through the outbox: otherwise the first fan-out's first event did all of it (and
    /// compiled its code) meanwhile.
    /// </summary>
    private async Task WarmUpPublishingAsync(CancellationToken ct)
    {
        try
        {
            await Task.WhenAll(bus.GetPublishSendEndpoint<DownstreamNotificationProgress>(), bus.GetPublishSendEndpoint<DownstreamNotified>())
                .WaitAsync(TimeSpan.FromSeconds(30), ct);
            await using var conn = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            await Outbox.PublishAsync(conn, tx, new PublishPathWarmUp(time.GetUtcNow()));
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            LogPublishingWarmUpFailed(e.GetType().Name);
        }
    }

    public async Task ReportAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var rounds = await NoticeStore.OpenNotificationsAsync(conn, ct);
        // Rounds another instance completed leave the open ones without passing through here: forgotten all the same.
        var open = rounds.Select(n => n.Id).ToHashSet();
        foreach (var gone in last.Keys.Where(id => !open.Contains(id)).ToList()) last.Remove(gone);
        foreach (var n in rounds)
        {
            var counts = (n.Sent, n.Deferred, n.Failed, n.Cancelled);
            if (!n.NoticesRecorded) await CheckStalledAsync(conn, n, ct);
            var done = n.NoticesRecorded && n.Pending == 0 && n.Deferred == 0;
            if (!done && last.TryGetValue(n.Id, out var before) && before == counts) continue;
            await using var tx = await conn.BeginTransactionAsync(ct);
            await Outbox.PublishAsync(conn, tx, new DownstreamNotificationProgress(n.CaseId, n.Kind, n.Id, n.Total, (int)n.Sent, (int)n.Deferred, (int)n.Failed, (int)n.Cancelled));
            // Counted again under the round's lock: a resend may have reopened it since the counts above were read.
            if (done && await NoticeStore.CompleteAsync(conn, tx, n.Id, time.GetUtcNow()) is { } final)
            {
                await Outbox.PublishAsync(conn, tx, new DownstreamNotified(final.CaseId, final.Kind, final.Id, final.Total, (int)final.Sent, (int)final.Failed,
                    time.GetUtcNow(), (int)final.Cancelled));
                LogCompleted(final.CaseId, final.Id, final.Total, final.Sent, final.Failed, final.Cancelled);
                last.Remove(n.Id);
            }
            else last[n.Id] = counts;
            await tx.CommitAsync(ct);
        }
    }

    /// <summary>Sends the NotifyDownstream of a round that stopped short again, or gives up on it (see <see cref="StalledRounds"/>).</summary>
    private async Task CheckStalledAsync(NpgsqlConnection conn, NotificationProgress n, CancellationToken ct)
    {
        var recorded = n.Sent + n.Deferred + n.Failed + n.Pending + n.Cancelled;
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (verdict, resend) = await stalled.CheckAsync(conn, tx, n.Id, time.GetUtcNow());
        if (verdict == StalledRounds.Verdict.Wait) return;
        if (verdict == StalledRounds.Verdict.Resend && await NoticeStore.RoundMessageAsync(conn, n.Id, ct) is { } message)
        {
            if (message.Kind == NoticeKinds.Embargoed && await CaseStore.DraftRevisionAsync(conn, message.CaseId, null) is { } latest
                && DraftRoundIds.RevisionOf(message.CaseId, message.NotificationId, latest) is { } revision)
                message = message with { DraftRevision = revision };
            await Outbox.SendAsync(conn, tx, Queues.Address(Queues.DownstreamNotifier).ToString(), message);
        }
        await tx.CommitAsync(ct);
        if (verdict == StalledRounds.Verdict.GiveUp) LogRecordingAbandoned(n.CaseId, n.Id, recorded, n.Total, StalledRounds.MaxResends);
        else LogRecordingResumed(n.CaseId, n.Id, recorded, n.Total, resend, StalledRounds.MaxResends);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} done: {Total} notices, {Sent} sent, {Failed} failed, {Cancelled} cancelled")]
    private partial void LogCompleted(Guid caseId, Guid notificationId, int total, long sent, long failed, long cancelled);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId}: notification {NotificationId} has {Recorded} of its {Total} notices recorded and has stopped there (its NotifyDownstream was lost, probably to the error queue); sending it again to record the rest ({Resend} of {MaxResends})")]
    private partial void LogRecordingResumed(Guid caseId, Guid notificationId, long recorded, int total, int resend, int maxResends);

    [LoggerMessage(Level = LogLevel.Error, Message = "Case {CaseId}: notification {NotificationId} still has only {Recorded} of its {Total} notices recorded after its NotifyDownstream was sent again {MaxResends} times; giving up: see why its messages fail in the error queue, then move one back to record the rest")]
    private partial void LogRecordingAbandoned(Guid caseId, Guid notificationId, long recorded, int total, int maxResends);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery report failed ({Error})")]
    private partial void LogReportFailed(string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Preparing to publish progress failed ({Error}); the first report does it instead")]
    private partial void LogPublishingWarmUpFailed(string error);
}
