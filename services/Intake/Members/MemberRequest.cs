namespace Intake.Members;

/// <summary>Body of POST /members.</summary>
public sealed record MemberRequest(string? Name, string? Email, string? PublicHandle, string? Role);
