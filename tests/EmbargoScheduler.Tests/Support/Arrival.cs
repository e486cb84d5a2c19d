namespace EmbargoScheduler.Tests.Support;

public sealed record Arrival<T>(T Message, DateTimeOffset ReceivedAt, Guid? MessageId, Guid? SchedulingTokenId);
