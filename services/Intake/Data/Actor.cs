using System.Security.Claims;
using Coordination.Hosting.Auth;

namespace Intake.Data;

/// <summary>Who did something: a member (id and name), a reporter, or the system.</summary>
public sealed record Actor(Guid? Id, string Name)
{
    public static readonly Actor System = new(null, "system");

    public static Actor Of(ClaimsPrincipal user) => new(user.MemberId(), user.MemberName());
}
