using Coordination.Contracts.Members;
using MassTransit;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>
/// Every service keeps its own revocation list so a revoked token stops working everywhere: each revocation as it is
/// made, and intake's whole list to catch up on those this service missed (see <see cref="MemberAccessRevocations"/>).
/// </summary>
public sealed class MemberAccessRevokedConsumer(NpgsqlDataSource dataSource, RevocationListSeen listSeen) : IConsumer<MemberAccessRevoked>, IConsumer<MemberAccessRevocations>
{
    public async Task Consume(ConsumeContext<MemberAccessRevoked> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await RevocationStore.RevokeAsync(conn, null, m.MemberId, m.TokenId, m.RevokedAt);
    }

    public async Task Consume(ConsumeContext<MemberAccessRevocations> context)
    {
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await RevocationStore.RecordAllAsync(conn, context.Message, context.CancellationToken);
        listSeen.Set();
    }
}
