using Coordination.Contracts.Cases;
using DownstreamNotifier.Data;
using MassTransit;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>
/// Keeps the latest draft of each case (an older revision arriving late changes nothing). A newer revision during a
/// running embargo (an Embargoed round recorded, the instant ahead, the case not withdrawn, broken or public) may
/// select dependents never warned: it sends this service an Embargoed round of its own (named after the case and the
/// revision; see <see cref="NewRecipientsRound.AddedByRevisionAsync"/>), which tells only the dependents its new affected
/// packages reach and no one warned yet. Under the case's lock (<see cref="CaseLock"/>),
/// so a round being recorded either read this revision or is seen here.
/// </summary>
public sealed partial class AdvisoryDraftUpdatedConsumer(NpgsqlDataSource dataSource, TimeProvider time, ILogger<AdvisoryDraftUpdatedConsumer> logger)
    : IConsumer<AdvisoryDraftUpdated>
{
    public async Task Consume(ConsumeContext<AdvisoryDraftUpdated> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        await CaseLock.TakeAsync(conn, tx, m.CaseId);
        if (await CaseStore.UpsertDraftAsync(conn, tx, m.CaseId, m.Revision, m.Draft, m.UpdatedAt) == 1
            && (await NewRecipientsRound.RunningEmbargoAsync(conn, tx, m.CaseId, time.GetUtcNow())).Running is { } embargo)
        {
            var round = DraftRoundIds.For(m.CaseId, m.Revision);
            await NewRecipientsRound.SendAsync(conn, tx, m.CaseId, round, embargo, m.Revision);
            LogNewRevisionRound(m.CaseId, m.Revision, round);
        }
        await tx.CommitAsync(context.CancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: draft revision {Revision} during the embargo; notification {NotificationId} warns the dependents it adds")]
    private partial void LogNewRevisionRound(Guid caseId, int revision, Guid notificationId);
}
