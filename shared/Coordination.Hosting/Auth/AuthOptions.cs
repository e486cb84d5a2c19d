using System.ComponentModel.DataAnnotations;

namespace Coordination.Hosting.Auth;

/// <summary>Setting "Auth:SigningKey": the key every service shares to check member tokens
/// (base64, at least 32 bytes). Environment: Auth__SigningKey.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string SigningKey { get; set; } = "";

    public byte[] KeyBytes() => Convert.FromBase64String(SigningKey);
}
