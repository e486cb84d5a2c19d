using Dapper;
using Coordination.Hosting.Auth;
using Intake.Data;
using Npgsql;

namespace Intake.Members;

/// <summary>
/// Issues a signed member token ("ct1.", <see cref="MemberTokenCodec"/>) and stores only its hash, id and expiry.
/// The token text is returned once and never kept.
/// </summary>
public sealed class TokenIssuer(MemberTokenCodec codec, TimeProvider time)
{
    private const string LastRevocationSql = "SELECT revoked_at FROM revoked_members WHERE member_id = @MemberId";

    /// <remarks>The caller holds the member's row lock.</remarks>
    public async Task<IssuedToken> IssueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Member member, DateTimeOffset? expiresAt, Guid? issuedBy)
    {
        // Issued after the member's tokens were last revoked (a role change): by an instance whose clock ran ahead of
        // this one's, that revocation would otherwise cover this token too, refused everywhere the moment it is issued.
        var now = time.GetUtcNow();
        if (await conn.ExecuteScalarAsync<DateTimeOffset?>(LastRevocationSql, new { MemberId = member.Id }, tx) is { } revoked && revoked >= now)
            now = revoked.AddTicks(10); // 1 µs: the column rounds to microseconds
        var token = new MemberToken(Guid.NewGuid(), member.Id, member.Name, member.Role, now, expiresAt);
        var text = codec.Encode(token);
        await MemberStore.InsertTokenAsync(conn, tx, new MemberTokenRow(token.TokenId, member.Id, MemberTokenCodec.Hash(text), now, expiresAt, issuedBy, null));
        return new IssuedToken(token.TokenId, text, expiresAt);
    }
}
