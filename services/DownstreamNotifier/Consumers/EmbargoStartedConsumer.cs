using Coordination.Contracts.Embargo;
using DownstreamNotifier.Data;
using MassTransit;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>Remembers the disclosure instant and channels, so the recipient preview can flag keys expiring before it.</summary>
public sealed class EmbargoStartedConsumer(NpgsqlDataSource dataSource) : IConsumer<EmbargoStarted>
{
    public async Task Consume(ConsumeContext<EmbargoStarted> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await CaseStore.UpsertEmbargoAsync(conn, null, m.CaseId, m.DisclosureAt, m.Channels ?? []);
    }
}
