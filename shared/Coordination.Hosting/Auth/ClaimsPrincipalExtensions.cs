using System.Security.Claims;

namespace Coordination.Hosting.Auth;

public static class ClaimsPrincipalExtensions
{
    public static Guid MemberId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(MemberTokenAuthenticationHandler.MemberIdClaim)
                   ?? throw new InvalidOperationException("not a member principal"));

    public static string MemberName(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? "";
}
