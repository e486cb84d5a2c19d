using Coordination.Hosting.Auth;
using Microsoft.Extensions.Options;

namespace Coordination.Testing;

/// <summary>Member tokens signed with a test's key, as intake would issue them.</summary>
public static class TestTokens
{
    public static string Issue(string signingKey, string role, Guid? memberId = null, string name = "Test Member", DateTimeOffset? expiresAt = null)
    {
        var codec = new MemberTokenCodec(Options.Create(new AuthOptions { SigningKey = signingKey }));
        return codec.Encode(new MemberToken(Guid.NewGuid(), memberId ?? Guid.NewGuid(), name, role, DateTimeOffset.UtcNow.AddSeconds(-1), expiresAt));
    }
}
