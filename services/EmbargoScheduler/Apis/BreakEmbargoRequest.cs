namespace EmbargoScheduler.Apis;

public sealed record BreakEmbargoRequest(string? Reason);
