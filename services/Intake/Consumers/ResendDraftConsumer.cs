using Coordination.Contracts.Cases;
using Coordination.Hosting.Data;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>Publishes a case's current draft again for a service that never received it (see <see cref="ResendDraft"/>).</summary>
public sealed class ResendDraftConsumer(NpgsqlDataSource db) : IConsumer<ResendDraft>
{
    public async Task Consume(ConsumeContext<ResendDraft> context)
    {
        var m = context.Message;
        await using var conn = await db.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        if (await CaseStore.GetCurrentRevisionAsync(conn, tx, m.CaseId) is not { } current || current.Revision < m.Revision) return;
        await Outbox.PublishAsync(conn, tx, new AdvisoryDraftUpdated(m.CaseId, current.Revision, current.Draft, current.UpdatedBy, current.UpdatedAt));
        await tx.CommitAsync(context.CancellationToken);
    }
}
