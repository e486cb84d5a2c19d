using Dapper;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>Revoked tokens and members, in the service's own schema.</summary>
public sealed class RevocationStore(NpgsqlDataSource dataSource)
{
    private const string IsRevokedSql = """
        SELECT EXISTS (SELECT 1 FROM revoked_tokens WHERE token_id = @TokenId)
            OR EXISTS (SELECT 1 FROM revoked_members WHERE member_id = @MemberId AND revoked_at >= @IssuedAt)
        """;

    private const string RevokeTokenSql = """
        INSERT INTO revoked_tokens (token_id, revoked_at) VALUES (@TokenId, @RevokedAt)
        ON CONFLICT (token_id) DO NOTHING
        """;

    private const string RevokeMemberSql = """
        INSERT INTO revoked_members (member_id, revoked_at) VALUES (@MemberId, @RevokedAt)
        ON CONFLICT (member_id) DO UPDATE SET revoked_at = GREATEST(revoked_members.revoked_at, EXCLUDED.revoked_at)
        """;

    public async Task<bool> IsRevokedAsync(MemberToken token, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<bool>(new CommandDefinition(IsRevokedSql,
            new { token.TokenId, token.MemberId, token.IssuedAt }, cancellationToken: ct));
    }

    /// <summary>Records a revocation; pass a transaction to make it part of a larger change.</summary>
    public static Task RevokeAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid memberId, Guid? tokenId, DateTimeOffset at) =>
        tokenId is { } id
            ? conn.ExecuteAsync(RevokeTokenSql, new { TokenId = id, RevokedAt = at }, tx)
            : conn.ExecuteAsync(RevokeMemberSql, new { MemberId = memberId, RevokedAt = at }, tx);
}
