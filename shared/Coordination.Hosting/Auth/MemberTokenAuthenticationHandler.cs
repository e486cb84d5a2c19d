using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coordination.Hosting.Auth;

/// <summary>Bearer member tokens: signature and expiry checked locally, revocation in the service's schema.</summary>
public sealed class MemberTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    MemberTokenCodec codec,
    RevocationStore revocations,
    TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "MemberToken";
    public const string MemberIdClaim = "member_id";
    public const string TokenIdClaim = "token_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (header is null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();

        var token = codec.Decode(header["Bearer ".Length..].Trim());
        if (token is null) return AuthenticateResult.Fail("invalid token");
        if (token.ExpiresAt is { } exp && exp <= time.GetUtcNow()) return AuthenticateResult.Fail("token expired");
        if (await revocations.IsRevokedAsync(token, Context.RequestAborted)) return AuthenticateResult.Fail("token revoked");

        var identity = new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, token.MemberId.ToString()),
            new Claim(MemberIdClaim, token.MemberId.ToString()),
            new Claim(TokenIdClaim, token.TokenId.ToString()),
            new Claim(ClaimTypes.Name, token.Name),
            new Claim(ClaimTypes.Role, token.Role),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
