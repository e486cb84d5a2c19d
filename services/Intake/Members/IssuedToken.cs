namespace Intake.Members;

/// <summary>A freshly issued token: the only time its text is ever returned.</summary>
public sealed record IssuedToken(Guid TokenId, string Token, DateTimeOffset? ExpiresAt);
