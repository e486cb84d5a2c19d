namespace Intake.Members;

public sealed record MemberResponse(Guid Id, string Name, string Email, string PublicHandle, string Role, DateTimeOffset JoinedAt, DateTimeOffset? RemovedAt)
{
    public static MemberResponse From(Member m) => new(m.Id, m.Name, m.Email, m.PublicHandle, m.Role, m.JoinedAt, m.RemovedAt);
}
