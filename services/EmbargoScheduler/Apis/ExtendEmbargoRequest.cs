namespace EmbargoScheduler.Apis;

public sealed record ExtendEmbargoRequest(DateTimeOffset? DisclosureAt, string? Reason);
