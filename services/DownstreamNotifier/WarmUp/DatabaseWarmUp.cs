using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using Npgsql;

namespace DownstreamNotifier.WarmUp;

/// <summary>
/// Runs the database side of a fan-out once at startup on a made-up round of four notices, in a transaction that is
/// rolled back: recording the round and its notices (COPY), resolving recipients, claiming the notices, recording
/// acceptances and outcomes. So Npgsql's code for these statements, and the row readers Dapper emits for them, are
/// compiled before the first fan-out rather than on its critical path (its first notice came 0.3-0.4 s later than a
/// warm service's). Nothing is kept: the rows are rolled back, and no contact is chosen (the made-up package should be
/// nobody's, and nothing is sent here either way).
/// </summary>
public static class DatabaseWarmUp
{
    /// <summary>
    /// On the consumers' pool, as the consumer's statements run; the sender's statements (sync) on the same connection,
    /// since they must see the uncommitted round. The senders' own pool is only ever used synchronously.
    /// </summary>
    /// <returns>how many of its made-up notices it claimed (all four, unless the statements changed).</returns>
    public static async Task<int> RunAsync(NpgsqlDataSource dataSource, int maxDepth, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var now = DateTimeOffset.UtcNow;
        var round = new NotifyDownstream(Guid.NewGuid(), NoticeKinds.Embargoed, Guid.NewGuid(), now.AddDays(7), ["warm-up"]);
        await CaseStore.DraftAsync(conn, round.CaseId, tx);
        var draft = WarmUpDraft.Value;
        await NoticeStore.InsertNotificationAsync(conn, tx, round, draft, now);
        await CaseStore.UpsertEmbargoAsync(conn, tx, round.CaseId, round.DisclosureAt, round.Channels!);
        await RecipientResolver.ResolveAsync(conn, round.CaseId, draft, maxDepth, tx, []);
        await NoticeStore.AcknowledgedAddressesAsync(conn, tx, round.CaseId);

        string[] modes = [NoticeModes.Encrypted, NoticeModes.Encrypted, NoticeModes.Plain, NoticeModes.LinkOnly];
        var notices = modes.Select((mode, i) => (Recipient(i), mode)).ToList();
        await NoticeStore.InsertNoticesAsync(conn, round.NotificationId, round.CaseId, round.Kind, notices, now, ct);
        await NoticeStore.SetTotalAsync(conn, tx, round.NotificationId, notices.Count);
        await NoticeStore.MarkNoticesRecordedAsync(conn, tx, round.NotificationId, now);

        // From just before the made-up notices, so that notices really due are neither claimed nor walked over.
        var claimed = NoticeStore.Claim(conn, tx, now, notices.Count, new ClaimCursor.Position(now.AddTicks(-10), 0), ["any"]) // (any channels: it is the statement that is warmed up)
            .Where(n => n.NotificationId == round.NotificationId).ToList();
        NoticeStore.Notification(conn, round.NotificationId);
        using (var accepted = NoticeStore.PrepareAccepted(conn))
            NoticeStore.RecordAccepted(accepted, claimed.Select(n => new AcceptanceRecorder.Pending(n.Id, "250 warm-up", now.UtcDateTime)).ToList());
        NoticeStore.RecordOutcomes(conn, tx, claimed.Select(n => new DeliveryOutcome(n.Id, "sent", 1, now, null, "250 warm-up", now)).ToList());
        await tx.RollbackAsync(ct);
        return claimed.Count;
    }

    private static Recipient Recipient(int i) => new(
        Guid.NewGuid(), "Warm-up", $"warm-up-{i}@coordination.invalid", Guid.NewGuid(), "Warm-up", [], ["warm-up"], i < 2, null, null, null);
}
