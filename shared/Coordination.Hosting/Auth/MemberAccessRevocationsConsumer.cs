using Coordination.Contracts.Members;
using MassTransit;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>Catches up on revocations this service missed (see <see cref="MemberAccessRevocations"/>).</summary>
public sealed class MemberAccessRevocationsConsumer(NpgsqlDataSource dataSource) : IConsumer<MemberAccessRevocations>
{
    public async Task Consume(ConsumeContext<MemberAccessRevocations> context)
    {
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await RevocationStore.RecordAllAsync(conn, context.Message, context.CancellationToken);
    }
}
