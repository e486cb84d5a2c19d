using Coordination.Contracts.Advisories;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>
/// Records one pending notice per recipient, keyed by the NotificationId; the sender workers deliver them.
/// The notices are recorded in chunks of <see cref="Chunk"/>, each committed on its own, and the senders are woken
/// after each: they start after the first chunk instead of after the last (recording all of a 10,000-notice round took
/// 0.25 s, in which nothing was sent and one of the two cores mostly idled). The round is marked when its last chunk is
/// committed. Redelivered (the service died meanwhile, or a chunk failed), the message finds the round: marked, it does
/// nothing; not marked, it records the notices of the recipients the round has none for yet. So this consumer needs no
/// inbox of its own: the round's row is its record of the message.
/// A Withdrawn round records the case as withdrawn, cancels the case's notices of other rounds not sent yet, and tells
/// only those sent a notice before; after it, a round of any other kind records nothing (one begun before is closed as
/// it stands). An Extended, Broken or NowPublic round cancels the undelivered notices of earlier rounds that state the
/// old instant (<see cref="NoticeStore.SupersedeOpenNoticesAsync"/>). Each transaction holds the case's lock (<see cref="CaseLock"/>), so a withdrawal falls between chunks.
/// A round naming a draft revision newer than the one kept waits for it: <see cref="DraftNotYetReceivedException"/>
/// makes the message retried and redelivered, nothing recorded, and intake is asked for the draft (ResendDraft). An
/// Embargoed round warns only the recipients not warned yet, and Reminder and Extended rounds go only to those warned
/// (<see cref="NewRecipientsRound"/>): a recipient added during the embargo hears of it first by its Embargoed notice.
/// </summary>
public sealed partial class NotifyDownstreamConsumer(
    NpgsqlDataSource dataSource,
    IOptions<NotifierOptions> options,
    NoticeSignal signal,
    TimeProvider time,
    ILogger<NotifyDownstreamConsumer> logger) : IConsumer<NotifyDownstream>
{
    public const int Chunk = 1000;

    public async Task Consume(ConsumeContext<NotifyDownstream> context)
    {
        var m = context.Message;
        var ct = context.CancellationToken;
        var now = time.GetUtcNow();
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        List<(Recipient Recipient, string Mode)> notices;
        int recordedEarlier; // by an earlier delivery of this message, interrupted
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await CaseLock.TakeAsync(conn, tx, m.CaseId);
            var embargo = await CaseStore.EmbargoAsync(conn, m.CaseId, tx);
            if (await ClosedAsync(conn, tx, m, embargo, now))
            {
                await tx.CommitAsync(ct);
                return;
            }
            if (m.DraftRevision is { } wanted && await CaseStore.DraftRevisionAsync(conn, m.CaseId, tx) is var stored && !(stored >= wanted))
            {
                LogWaitingForDraft(m.CaseId, m.NotificationId, wanted, stored);
                if (context.GetRetryAttempt() == 0) await AskForDraftAsync(m.CaseId, wanted, ct); // once a delivery, not each retry
                throw new DraftNotYetReceivedException(m.CaseId, m.NotificationId, stored, wanted);
            }
            // An Embargoed round recorded after an extension (one for new recipients sent before it, or the first one
            // retried while it waited for its draft) says the instant as it stands, not the one the extension replaced.
            if (m.Kind == NoticeKinds.Embargoed && embargo is { Ended: null } current && current.DisclosureAt > m.DisclosureAt)
                m = m with { DisclosureAt = current.DisclosureAt, Channels = current.Channels };
            var draft = await CaseStore.DraftAsync(conn, m.CaseId, tx);
            var isNew = await NoticeStore.InsertNotificationAsync(conn, tx, m, draft, now);
            var recordedBefore = Told.Nobody;
            if (!isNew)
            {
                if (await NoticeStore.NoticesRecordedAsync(conn, tx, m.NotificationId))
                {
                    LogRedelivered(m.CaseId, m.NotificationId);
                    return;
                }
                // Resumed (the service died mid-round, or a chunk failed) after an extension: the rest goes with the new instant.
                if (m.Kind == NoticeKinds.Embargoed) await NoticeStore.RestateInstantAsync(conn, tx, m.NotificationId, m.DisclosureAt, m.Channels ?? []);
                recordedBefore = await NoticeStore.RecordedAsync(conn, tx, m.NotificationId);
                LogResumed(m.CaseId, m.NotificationId, recordedBefore.Notices);
            }
            if (m.Kind is NoticeKinds.Embargoed or NoticeKinds.Extended)
                await CaseStore.UpsertEmbargoAsync(conn, tx, m.CaseId, m.DisclosureAt, m.Channels ?? []);
            if (m.Kind is NoticeKinds.Broken or NoticeKinds.NowPublic) // the Broken round's instant is the break
                await CaseStore.EndEmbargoAsync(conn, tx, m.CaseId, m.Kind == NoticeKinds.Broken ? CaseEmbargo.Broken : CaseEmbargo.Public,
                    m.Kind == NoticeKinds.Broken ? m.DisclosureAt : now, m.DisclosureAt, m.Channels ?? []);
            // Once, when the round begins: resumed later, it must not cancel the notices of rounds begun since.
            if (isNew && m.Kind is NoticeKinds.Extended or NoticeKinds.Broken or NoticeKinds.NowPublic)
            {
                var reason = m.Kind == NoticeKinds.Extended
                    ? $"superseded: the embargo was extended to {m.DisclosureAt.UtcDateTime:yyyy-MM-dd HH:mm}Z before this notice could be delivered"
                    : $"superseded: the embargo ended ({(m.Kind == NoticeKinds.Broken ? CaseEmbargo.Broken : CaseEmbargo.Public)}) before this notice could be delivered";
                if (await NoticeStore.SupersedeOpenNoticesAsync(conn, tx, m.CaseId, m.NotificationId, reason) is > 0 and var superseded)
                    LogSuperseded(m.CaseId, m.NotificationId, m.Kind, superseded);
            }
            if (m.Kind == NoticeKinds.Withdrawn)
            {
                await CaseStore.EndEmbargoAsync(conn, tx, m.CaseId, CaseEmbargo.Withdrawn, now, m.DisclosureAt, m.Channels ?? []);
                LogCancelled(m.CaseId, m.NotificationId, await NoticeStore.CancelOpenNoticesAsync(conn, tx, m.CaseId, m.NotificationId));
            }

            // By address as well as by contact: the resolver may tell an address as another of its contacts now (one
            // given a key since the round began), and the address has this round's notice already.
            notices = (await ChooseAsync(conn, tx, m, draft, now))
                .Where(n => !recordedBefore.Includes(n.Recipient)).ToList();
            recordedEarlier = recordedBefore.Notices;
            var total = recordedEarlier + notices.Count;
            await NoticeStore.SetTotalAsync(conn, tx, m.NotificationId, total);
            if (isNew) await Outbox.PublishAsync(conn, tx, new DownstreamNotificationProgress(m.CaseId, m.Kind, m.NotificationId, total, 0, 0, 0));
            await RecordChunkAsync(conn, tx, m, notices, 0, now, ct);
            await tx.CommitAsync(ct);
        }
        signal.Pulse();
        for (var from = Chunk; from < notices.Count; from += Chunk)
        {
            await using var tx = await conn.BeginTransactionAsync(ct);
            await CaseLock.TakeAsync(conn, tx, m.CaseId);
            var embargo = await CaseStore.EmbargoAsync(conn, m.CaseId, tx);
            if (await ClosedAsync(conn, tx, m, embargo, now))
            {
                await tx.CommitAsync(ct);
                return;
            }
            // Between chunks the case's lock is free: an extension's Extended round tells only those already warned,
            // so the notices of this round still to be recorded must state the instant as it stands now.
            if (m.Kind == NoticeKinds.Embargoed && embargo is { Ended: null } extended && extended.DisclosureAt > m.DisclosureAt)
            {
                m = m with { DisclosureAt = extended.DisclosureAt, Channels = extended.Channels };
                await NoticeStore.RestateInstantAsync(conn, tx, m.NotificationId, m.DisclosureAt, m.Channels ?? []);
            }
            // And another Embargoed round (a member's warning, a draft revision adding dependents) may have warned some
            // of this one's recipients, as it found them not warned yet.
            if (m.Kind == NoticeKinds.Embargoed && await NoticeStore.HasOtherRoundAsync(conn, tx, m.CaseId, m.Kind, m.NotificationId))
            {
                var isWarned = await NewRecipientsRound.WarnedAsync(conn, tx, m.CaseId, m.NotificationId);
                var notWarned = notices.Skip(from).Where(n => !isWarned(n.Recipient)).ToList();
                if (notWarned.Count < notices.Count - from)
                {
                    notices.RemoveRange(from, notices.Count - from);
                    notices.AddRange(notWarned);
                    await NoticeStore.SetTotalAsync(conn, tx, m.NotificationId, recordedEarlier + notices.Count);
                }
            }
            // The recipients were chosen before the first chunk: a project a member has excluded since is treated as
            // one excluded mid-round (its notices not sent yet cancelled or stripped of details), and one no longer
            // excluded gets the details in the notices still to be recorded (those recorded got them back when it was lifted).
            var excluded = (await CaseStore.OverridesAsync(conn, m.CaseId, tx)).Exclude;
            for (var i = from; i < notices.Count; i++)
                if (notices[i].Recipient is { Excluded: true } r && !excluded.Contains(r.ProjectId))
                {
                    var lifted = r with { Excluded = false };
                    notices[i] = (lifted, NoticeModes.For(lifted, options.Value, m.Channels ?? [], now));
                }
            await RecordChunkAsync(conn, tx, m, notices, from, now, ct);
            if (excluded.Count > 0) await ExcludedProjectNotices.ApplyAsync(conn, tx, m.CaseId, excluded.ToArray());
            await tx.CommitAsync(ct);
            signal.Pulse();
        }
        LogQueued(m.CaseId, m.NotificationId, notices.Count);
    }

    /// <summary>
    /// Records nothing more of the round (one begun is closed with what it recorded) when the case is withdrawn and this
    /// is not its Withdrawn round (all of it cancelled by then), or when what the round would say is no longer true: a
    /// Reminder or Extended round whose instant an extension has moved since, or any of these and an Embargoed round once
    /// the embargo has ended (broken or public). Such a round arrives late (retried, or recorded in chunks with the
    /// case's lock free between them) after the round that replaced it, which cancelled what it could of the notices
    /// recorded before (an Embargoed round recorded after an extension restates the instant instead).
    /// </summary>
    /// <param name="embargo">the case's embargo, read under its lock.</param>
    private async Task<bool> ClosedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NotifyDownstream m, CaseEmbargo? embargo, DateTimeOffset now)
    {
        var withdrawn = m.Kind != NoticeKinds.Withdrawn && embargo is { IsWithdrawn: true };
        var outOfDate = m.Kind is NoticeKinds.Embargoed or NoticeKinds.Reminder or NoticeKinds.Extended && embargo is { } e
                        && (e.Ended is CaseEmbargo.Broken or CaseEmbargo.Public || (m.Kind != NoticeKinds.Embargoed && e.DisclosureAt > m.DisclosureAt));
        if (!withdrawn && !outOfDate) return false;
        await NoticeStore.CloseRoundAsync(conn, tx, m.NotificationId, now);
        if (withdrawn) LogWithdrawnCase(m.CaseId, m.NotificationId, m.Kind);
        else LogOutOfDateRound(m.CaseId, m.NotificationId, m.Kind);
        return true;
    }

    private async Task<List<(Recipient Recipient, string Mode)>> ChooseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NotifyDownstream m,
        AdvisoryDraft? draft, DateTimeOffset now)
    {
        var o = options.Value;
        var caseChannels = m.Channels ?? [];
        if (m.Kind == NoticeKinds.Embargoed)
            return (m.DraftRevision is { } revision && m.NotificationId == DraftRoundIds.For(m.CaseId, revision)
                    ? await NewRecipientsRound.AddedByRevisionAsync(conn, tx, m.CaseId, draft, o.MaxDepth, m.NotificationId)
                    : await NewRecipientsRound.ScopedAsync(conn, tx, m.CaseId, draft, o.MaxDepth, m.NotificationId)
                      ?? await NewRecipientsRound.NotWarnedAsync(conn, tx, m.CaseId, draft, o.MaxDepth, m.NotificationId))
                .Select(r => (r, NoticeModes.For(r, o, caseChannels, now))).ToList();
        var earlier = await NoticeStore.EarlierRecipientsAsync(conn, tx, m.CaseId);
        // A withdrawal is news only to those told of the case: the graph adds nobody (the contacts told come as "notified earlier").
        var recipients = await RecipientResolver.ResolveAsync(conn, m.CaseId, m.Kind == NoticeKinds.Withdrawn ? null : draft, o.MaxDepth, tx, earlier);
        if (m.Kind == NoticeKinds.Withdrawn)
        {
            // By address too: an address told as one contact may now be chosen as another of its contacts (of a project
            // a member included), and it holds the secret all the same.
            var told = await NoticeStore.SentToAsync(conn, tx, m.CaseId);
            recipients = recipients.Where(told.Includes).ToList();
        }
        if (m.Kind is NoticeKinds.Reminder or NoticeKinds.Extended)
        {
            // While the embargo runs, only those warned hear more of it: a contact or project registered since is
            // warned by a member's decision (NewRecipientsRound), not by the next reminder.
            var isWarned = await NewRecipientsRound.WarnedAsync(conn, tx, m.CaseId, m.NotificationId);
            recipients = recipients.Where(isWarned).ToList();
        }
        if (m.Kind == NoticeKinds.Reminder)
        {
            var acknowledged = await NoticeStore.AcknowledgedAddressesAsync(conn, tx, m.CaseId);
            recipients = recipients.Where(r => !acknowledged.Contains(r.Email.ToLowerInvariant()) && !r.Excluded).ToList();
        }
        // Excluded after they were told: they still hear that the date moved (they hold the secret and must keep to the
        // new date), but nothing that has been added to the case since.
        return recipients.Select(r => (r, NoticeModes.For(r, o, caseChannels, now))).ToList();
    }

    /// <summary>Records notices[from..from+Chunk], and marks the round when that is the last of them.</summary>
    private static async Task RecordChunkAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NotifyDownstream m,
        List<(Recipient Recipient, string Mode)> notices, int from, DateTimeOffset now, CancellationToken ct)
    {
        var count = Math.Min(Chunk, notices.Count - from);
        if (count > 0) await NoticeStore.InsertNoticesAsync(conn, m.NotificationId, m.CaseId, m.Kind, notices.GetRange(from, count), now, ct);
        if (from + count >= notices.Count) await NoticeStore.MarkNoticesRecordedAsync(conn, tx, m.NotificationId, now);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId}: {Kind} round {NotificationId} is out of date (the embargo was extended or ended since it was sent); it records no more notices")]
    private partial void LogOutOfDateRound(Guid caseId, Guid notificationId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} waits for draft revision {Wanted} (have {Stored}); retried later")]
    private partial void LogWaitingForDraft(Guid caseId, Guid notificationId, int wanted, int? stored);

    /// <summary>
    /// Usually the draft is on its way on its own queue; but one published before this service's queue existed on the
    /// broker (its first start came later) never comes: intake is asked to publish the case's current draft again. In a
    /// transaction of its own (the round's rolls back), through the outbox (intake may not be up).
    /// </summary>
    private async Task AskForDraftAsync(Guid caseId, int revision, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Outbox.SendAsync(conn, tx, Queues.Address(Queues.Intake).ToString(), new ResendDraft(caseId, revision));
        await tx.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: withdrawn; notification {NotificationId} cancelled {Count} notices of other rounds not sent yet")]
    private partial void LogCancelled(Guid caseId, Guid notificationId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} ({Kind}) cancelled {Count} notices of earlier rounds not delivered yet, whose instant is no longer true")]
    private partial void LogSuperseded(Guid caseId, Guid notificationId, string kind, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: withdrawn; notification {NotificationId} ({Kind}) records nothing")]
    private partial void LogWithdrawnCase(Guid caseId, Guid notificationId, string kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} queued {Count} notices")]
    private partial void LogQueued(Guid caseId, Guid notificationId, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: notification {NotificationId} already recorded; nothing to do")]
    private partial void LogRedelivered(Guid caseId, Guid notificationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Case {CaseId}: notification {NotificationId} was partly recorded ({Count} notices) when it was interrupted; recording the rest")]
    private partial void LogResumed(Guid caseId, Guid notificationId, int count);
}
