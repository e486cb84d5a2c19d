using Coordination.Contracts.Members;
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

    private const string AllTokensSql = "SELECT token_id AS TokenId, revoked_at AS RevokedAt FROM revoked_tokens ORDER BY token_id";
    private const string AllMembersSql = "SELECT member_id AS MemberId, revoked_at AS RevokedAt FROM revoked_members ORDER BY member_id";

    private const string RevokeTokensSql = """
        INSERT INTO revoked_tokens (token_id, revoked_at) SELECT * FROM unnest(@Ids::uuid[], @At::timestamptz[])
        ON CONFLICT (token_id) DO NOTHING
        """;

    private const string RevokeMembersSql = """
        INSERT INTO revoked_members (member_id, revoked_at) SELECT * FROM unnest(@Ids::uuid[], @At::timestamptz[])
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
        conn.ExecuteAsync(tokenId is null ? RevokeMembersSql : RevokeTokensSql, new { Ids = new[] { tokenId ?? memberId }, At = new[] { at.UtcDateTime } }, tx);

    /// <summary>Every revocation recorded here (intake's is the whole list: it records each one as it makes it).</summary>
    public static async Task<MemberAccessRevocations> ReadAllAsync(NpgsqlConnection conn, DateTimeOffset asOf) => new(
        (await conn.QueryAsync<RevokedToken>(AllTokensSql)).ToList(),
        (await conn.QueryAsync<RevokedMember>(AllMembersSql)).ToList(),
        asOf);

    /// <summary>Records what is missing of a list; those already here stay (a member's keeps the later instant).</summary>
    public static async Task RecordAllAsync(NpgsqlConnection conn, MemberAccessRevocations all, CancellationToken ct)
    {
        await conn.ExecuteAsync(new CommandDefinition(RevokeTokensSql,
            new { Ids = all.Tokens.Select(t => t.TokenId).ToArray(), At = all.Tokens.Select(t => t.RevokedAt.UtcDateTime).ToArray() }, cancellationToken: ct));
        await conn.ExecuteAsync(new CommandDefinition(RevokeMembersSql,
            new { Ids = all.Members.Select(m => m.MemberId).ToArray(), At = all.Members.Select(m => m.RevokedAt.UtcDateTime).ToArray() }, cancellationToken: ct));
    }
}
