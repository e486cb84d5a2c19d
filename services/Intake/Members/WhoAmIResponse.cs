namespace Intake.Members;

public sealed record WhoAmIResponse(Guid MemberId, string Name, string Role, Guid TokenId, string? Email, string? PublicHandle);
