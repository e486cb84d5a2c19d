using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Data;
using Disclosure.Data;
using Disclosure.Publishing;
using MassTransit;
using Npgsql;

namespace Disclosure.Consumers;

/// <summary>Marks a public advisory withdrawn (a new version; it stays listed).</summary>
public sealed class WithdrawAdvisoryConsumer(NpgsqlDataSource dataSource, AdvisoryPublisher publisher) : IConsumer<WithdrawAdvisory>
{
    public async Task Consume(ConsumeContext<WithdrawAdvisory> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        if (!await Inbox.TryMarkProcessedAsync(conn, tx, nameof(WithdrawAdvisoryConsumer), context.MessageId ?? NewId.NextGuid()))
            return;
        await DraftStore.LockCaseAsync(conn, tx, m.CaseId);
        await publisher.WithdrawAsync(conn, tx, m.CaseId, m.Reason);
        await tx.CommitAsync(context.CancellationToken);
    }
}
