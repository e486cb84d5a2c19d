namespace EmbargoScheduler.Tests.Sagas;

public sealed record Increment(Guid CounterId, int N);
