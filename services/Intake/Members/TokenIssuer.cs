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
    public async Task<IssuedToken> IssueAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Member member, DateTimeOffset? expiresAt, Guid? issuedBy)
    {
        var now = time.GetUtcNow();
        var token = new MemberToken(Guid.NewGuid(), member.Id, member.Name, member.Role, now, expiresAt);
        var text = codec.Encode(token);
        await MemberStore.InsertTokenAsync(conn, tx, new MemberTokenRow(token.TokenId, member.Id, MemberTokenCodec.Hash(text), now, expiresAt, issuedBy, null));
        return new IssuedToken(token.TokenId, text, expiresAt);
    }
}
