namespace Coordination.Contracts.Members;

public sealed record MemberLeft(Guid MemberId, string? Reason, Guid? RemovedBy, DateTimeOffset LeftAt);
