using Coordination.Contracts.Members;
using MassTransit;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>Every service keeps its own revocation list so a revoked token stops working everywhere.</summary>
public sealed class MemberAccessRevokedConsumer(NpgsqlDataSource dataSource) : IConsumer<MemberAccessRevoked>
{
    public async Task Consume(ConsumeContext<MemberAccessRevoked> context)
    {
        var m = context.Message;
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await RevocationStore.RevokeAsync(conn, null, m.MemberId, m.TokenId, m.RevokedAt);
    }
}
