namespace Coordination.Hosting.Auth;

/// <summary>Authorization policy names used by every service's endpoints.</summary>
public static class Policies
{
    /// <summary>Any current team member (member, admin, release manager).</summary>
    public const string Member = "member";

    /// <summary>Admins only.</summary>
    public const string Admin = "admin";
}
