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
    public Task Consume(ConsumeContext<WithdrawAdvisory> context) =>
        Inbox.ProcessOnceAsync(dataSource, context, nameof(WithdrawAdvisoryConsumer), async (conn, tx) =>
        {
            await DraftStore.LockCaseAsync(conn, tx, context.Message.CaseId);
            await publisher.WithdrawAsync(conn, tx, context.Message.CaseId, context.Message.Reason);
        });
}
