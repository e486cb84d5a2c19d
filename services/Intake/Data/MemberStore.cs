using Dapper;
using Intake.Members;
using Npgsql;

namespace Intake.Data;

/// <summary>Members and their token hashes. Every method takes the request's connection and transaction.</summary>
public static class MemberStore
{
    private const string Columns = "id, name, email, public_handle, role, joined_at, removed_at, removed_by, removal_reason";

    private const string InsertSql = """
        INSERT INTO members (id, name, email, public_handle, role, joined_at)
        VALUES (@Id, @Name, @Email, @PublicHandle, @Role, @JoinedAt)
        ON CONFLICT DO NOTHING
        """;

    private const string GetSql = $"SELECT {Columns} FROM members WHERE id = @Id";

    private const string GetForUpdateSql = $"SELECT {Columns} FROM members WHERE id = @Id FOR UPDATE";

    private const string ListCurrentSql = $"SELECT {Columns} FROM members WHERE removed_at IS NULL ORDER BY joined_at, id";

    private const string CountCurrentAdminsSql = "SELECT count(*) FROM members WHERE role = 'admin' AND removed_at IS NULL";

    private const string MarkRemovedSql = """
        UPDATE members SET removed_at = @At, removed_by = @RemovedBy, removal_reason = @Reason
        WHERE id = @Id AND removed_at IS NULL
        """;

    private const string InsertTokenSql = """
        INSERT INTO member_tokens (id, member_id, token_hash, issued_at, expires_at, issued_by)
        VALUES (@Id, @MemberId, @TokenHash, @IssuedAt, @ExpiresAt, @IssuedBy)
        """;

    private const string ListTokensSql = """
        SELECT id, member_id, token_hash, issued_at, expires_at, issued_by, revoked_at
        FROM member_tokens WHERE member_id = @MemberId ORDER BY issued_at, id
        """;

    private const string RevokeTokenSql = """
        UPDATE member_tokens SET revoked_at = @At
        WHERE id = @TokenId AND member_id = @MemberId AND revoked_at IS NULL
        """;

    private const string TokenExistsSql = "SELECT EXISTS (SELECT 1 FROM member_tokens WHERE id = @TokenId AND member_id = @MemberId)";

    private const string LatestIssueSql = "SELECT max(issued_at) FROM member_tokens WHERE member_id = @MemberId";

    private const string RevokeAllTokensSql = "UPDATE member_tokens SET revoked_at = @At WHERE member_id = @MemberId AND revoked_at IS NULL";

    private const string UpdateRoleSql = "UPDATE members SET role = @Role WHERE id = @Id AND removed_at IS NULL";

    /// <summary>Serialises admin-count checks (bootstrap, removals) across instances.</summary>
    private const string LockMembershipSql = "SELECT pg_advisory_xact_lock(hashtext('intake:membership'))";

    /// <returns>false when the email or handle is already held by a current member.</returns>
    public static async Task<bool> TryInsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Member m) =>
        await conn.ExecuteAsync(InsertSql, m, tx) == 1;

    public static Task<Member?> GetAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid id, CancellationToken ct = default) =>
        conn.QuerySingleOrDefaultAsync<Member>(new CommandDefinition(GetSql, new { Id = id }, tx, cancellationToken: ct));

    public static Task<Member?> GetForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.QuerySingleOrDefaultAsync<Member>(GetForUpdateSql, new { Id = id }, tx);

    public static async Task<IReadOnlyList<Member>> ListCurrentAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.QueryAsync<Member>(new CommandDefinition(ListCurrentSql, cancellationToken: ct))).ToList();

    public static Task<int> CountCurrentAdminsAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.ExecuteScalarAsync<int>(CountCurrentAdminsSql, transaction: tx);

    public static Task LockMembershipAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.ExecuteAsync(LockMembershipSql, transaction: tx);

    public static async Task<bool> MarkRemovedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, Guid? removedBy, string? reason, DateTimeOffset at) =>
        await conn.ExecuteAsync(MarkRemovedSql, new { Id = id, RemovedBy = removedBy, Reason = reason, At = at }, tx) == 1;

    public static Task InsertTokenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, MemberTokenRow t) =>
        conn.ExecuteAsync(InsertTokenSql, t, tx);

    public static async Task<IReadOnlyList<MemberTokenRow>> ListTokensAsync(NpgsqlConnection conn, Guid memberId, CancellationToken ct) =>
        (await conn.QueryAsync<MemberTokenRow>(new CommandDefinition(ListTokensSql, new { MemberId = memberId }, cancellationToken: ct))).ToList();

    /// <returns>false when the token is unknown for this member or already revoked.</returns>
    public static async Task<bool> RevokeTokenAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId, Guid tokenId, DateTimeOffset at) =>
        await conn.ExecuteAsync(RevokeTokenSql, new { MemberId = memberId, TokenId = tokenId, At = at }, tx) == 1;

    public static Task<bool> TokenExistsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId, Guid tokenId) =>
        conn.ExecuteScalarAsync<bool>(TokenExistsSql, new { MemberId = memberId, TokenId = tokenId }, tx);

    /// <summary>
    /// The instant to revoke all of a member's tokens at, with the member's row locked: <paramref name="now"/>, or the
    /// latest token's issue time if that is later (another instance's clock ahead of ours), so that every token issued
    /// before the lock was taken counts as issued at or before the revocation.
    /// </summary>
    public static async Task<DateTimeOffset> RevocationInstantAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId, DateTimeOffset now) =>
        await conn.ExecuteScalarAsync<DateTimeOffset?>(LatestIssueSql, new { MemberId = memberId }, tx) is { } latest && latest >= now ? latest.AddTicks(10) : now; // 1 µs: the column rounds to microseconds

    public static Task<int> RevokeAllTokensAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId, DateTimeOffset at) =>
        conn.ExecuteAsync(RevokeAllTokensSql, new { MemberId = memberId, At = at }, tx);

    public static async Task<bool> UpdateRoleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string role) =>
        await conn.ExecuteAsync(UpdateRoleSql, new { Id = id, Role = role }, tx) == 1;
}
