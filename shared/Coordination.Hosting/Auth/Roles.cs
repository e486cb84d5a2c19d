namespace Coordination.Hosting.Auth;

public static class Roles
{
    public const string Admin = "admin";
    public const string Member = "member";
    public const string ReleaseManager = "release-manager";

    public static readonly IReadOnlyList<string> All = [Admin, Member, ReleaseManager];
}
