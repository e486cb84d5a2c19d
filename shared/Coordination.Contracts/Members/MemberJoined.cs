namespace Coordination.Contracts.Members;

public sealed record MemberJoined(Guid MemberId, string Name, string PublicHandle, string Role, DateTimeOffset JoinedAt);
