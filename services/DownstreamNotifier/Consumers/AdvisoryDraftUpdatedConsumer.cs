using Coordination.Contracts.Cases;
using DownstreamNotifier.Data;
using MassTransit;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>Keeps the latest draft of each case (an older revision arriving late changes nothing).</summary>
public sealed class AdvisoryDraftUpdatedConsumer(NpgsqlDataSource dataSource) : IConsumer<AdvisoryDraftUpdated>
{
    public async Task Consume(ConsumeContext<AdvisoryDraftUpdated> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        await CaseStore.UpsertDraftAsync(conn, tx, m.CaseId, m.Revision, m.Draft, m.UpdatedAt);
        await tx.CommitAsync(context.CancellationToken);
    }
}
