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
    /// <returns>how many of its made-up notices it claimed (all four, unless the statements changed).</returns>
    public static int Run(NpgsqlDataSource dataSource, int maxDepth)
    {
        using var conn = dataSource.OpenConnection();
        using var tx = conn.BeginTransaction();
        var now = DateTimeOffset.UtcNow;
        var round = new NotifyDownstream(Guid.NewGuid(), NoticeKinds.Embargoed, Guid.NewGuid(), now.AddDays(7), ["warm-up"]);
        CaseStore.DraftAsync(conn, round.CaseId, tx).GetAwaiter().GetResult();
        var draft = WarmUpDraft.Value;
        NoticeStore.InsertNotificationAsync(conn, tx, round, draft, now).GetAwaiter().GetResult();
        CaseStore.UpsertEmbargoAsync(conn, tx, round.CaseId, round.DisclosureAt, round.Channels!).GetAwaiter().GetResult();
        RecipientResolver.ResolveAsync(conn, round.CaseId, draft, maxDepth, tx, []).GetAwaiter().GetResult();
        NoticeStore.AcknowledgedAsync(conn, tx, round.CaseId).GetAwaiter().GetResult();

        string[] modes = [NoticeModes.Encrypted, NoticeModes.Encrypted, NoticeModes.Plain, NoticeModes.LinkOnly];
        var notices = modes.Select((mode, i) => (Recipient(i), mode)).ToList();
        NoticeStore.InsertNoticesAsync(conn, round.NotificationId, round.CaseId, round.Kind, notices, now, CancellationToken.None).GetAwaiter().GetResult();
        NoticeStore.SetTotalAsync(conn, tx, round.NotificationId, notices.Count).GetAwaiter().GetResult();

        // From just before the made-up notices, so that notices really due are neither claimed nor walked over.
        var claimed = NoticeStore.Claim(conn, tx, now, notices.Count, new ClaimCursor.Position(now.AddTicks(-10), 0))
            .Where(n => n.NotificationId == round.NotificationId).ToList();
        NoticeStore.Notification(conn, round.NotificationId);
        using (var accepted = NoticeStore.PrepareAccepted(conn))
            NoticeStore.RecordAccepted(accepted, claimed.Select(n => new AcceptanceRecorder.Pending(n.Id, "250 warm-up", now.UtcDateTime)).ToList());
        NoticeStore.RecordOutcomes(conn, tx, claimed.Select(n => new DeliveryOutcome(n.Id, "sent", 1, now, null, "250 warm-up", now)).ToList());
        tx.Rollback();
        return claimed.Count;
    }

    private static Recipient Recipient(int i) => new(
        Guid.NewGuid(), "Warm-up", $"warm-up-{i}@coordination.invalid", Guid.NewGuid(), "Warm-up", [], ["warm-up"], i < 2, null, null, null);
}
