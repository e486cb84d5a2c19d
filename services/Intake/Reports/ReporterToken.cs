using System.Security.Cryptography;
using Coordination.Hosting.Auth;

namespace Intake.Reports;

/// <summary>A reporter's token: 32 random bytes, "rt1."-prefixed; only its SHA-256 is stored.</summary>
public static class ReporterToken
{
    public const string Header = "X-Reporter-Token";

    public static string New() => "rt1." + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string token) => MemberTokenCodec.Hash(token);
}
