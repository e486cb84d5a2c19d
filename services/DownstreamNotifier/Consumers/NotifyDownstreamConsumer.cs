using Coordination.Contracts.Notices;
using Coordination.Hosting.Data;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>
/// Records one pending notice per recipient, in one transaction keyed by the NotificationId (a redelivery finds
/// it and does nothing); the sender workers deliver them.
/// </summary>
public sealed partial class NotifyDownstreamConsumer(
    NpgsqlDataSource dataSource,
    IOptions<NotifierOptions> options,
    NoticeSignal signal,
    TimeProvider time,
    ILogger<NotifyDownstreamConsumer> logger) : IConsumer<NotifyDownstream>
{
    public async Task Consume(ConsumeContext<NotifyDownstream> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();
        var o = options.Value;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (context.MessageId is { } messageId && !await Inbox.TryMarkProcessedAsync(conn, tx, nameof(NotifyDownstreamConsumer), messageId)) return;

        var draft = await CaseStore.DraftAsync(conn, m.CaseId, tx);
        if (!await NoticeStore.InsertNotificationAsync(conn, tx, m, draft, now))
        {
            LogRedelivered(m.CaseId, m.NotificationId);
            await tx.CommitAsync(ct);
            return;
        }
        if (m.Kind is NoticeKinds.Embargoed or NoticeKinds.Extended)
            await CaseStore.UpsertEmbargoAsync(conn, tx, m.CaseId, m.DisclosureAt, m.Channels ?? []);

        var earlier = m.Kind == NoticeKinds.Embargoed ? [] : await NoticeStore.EarlierRecipientsAsync(conn, tx, m.CaseId);
        var recipients = await RecipientResolver.ResolveAsync(conn, m.CaseId, draft, o.MaxDepth, tx, earlier);
        if (m.Kind == NoticeKinds.Reminder)
        {
            var acknowledged = await NoticeStore.AcknowledgedAsync(conn, tx, m.CaseId);
            recipients = recipients.Where(r => !acknowledged.Contains(r.ContactId)).ToList();
        }
        var caseChannels = m.Channels ?? [];
        var notices = recipients.Select(r => (r, r.HasKey ? NoticeModes.Encrypted
            : o.RequiresEncryption(r.ProjectChannels.Concat(caseChannels)) ? NoticeModes.LinkOnly : NoticeModes.Plain)).ToList();
        await NoticeStore.InsertNoticesAsync(conn, m.NotificationId, m.CaseId, m.Kind, notices, now, ct);
        await NoticeStore.SetTotalAsync(conn, tx, m.NotificationId, notices.Count);
        await Outbox.PublishAsync(conn, tx, new DownstreamNotificationProgress(m.CaseId, m.Kind, m.NotificationId, notices.Count, 0, 0, 0));
        await tx.CommitAsync(ct);
        LogQueued(m.CaseId, m.NotificationId, notices.Count);
        signal.Pulse();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} queued {Count} notices")]
    private partial void LogQueued(Guid caseId, Guid notificationId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} already recorded; nothing to do")]
    private partial void LogRedelivered(Guid caseId, Guid notificationId);
}
