namespace Intake.Members;

/// <summary>GET /me: the caller per their token, plus email and handle from the member list (null for unknown members).</summary>
public sealed record MeResponse(Guid MemberId, string Name, string Role, Guid TokenId, string? Email, string? PublicHandle);
