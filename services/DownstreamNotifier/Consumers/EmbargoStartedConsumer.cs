using Coordination.Contracts.Embargo;
using DownstreamNotifier.Data;
using MassTransit;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>Remembers the disclosure instant and channels, so the recipient preview can flag keys expiring before it.
/// Only for a case the notifier has no embargo of yet: consumed after a round of the saga (an extension, a break), it
/// would put back the instant it started with.</summary>
public sealed class EmbargoStartedConsumer(NpgsqlDataSource dataSource) : IConsumer<EmbargoStarted>
{
    public async Task Consume(ConsumeContext<EmbargoStarted> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await CaseStore.InsertEmbargoAsync(conn, m.CaseId, m.DisclosureAt, m.Channels ?? []);
    }
}
