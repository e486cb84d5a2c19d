namespace DownstreamNotifier.Apis;

public sealed record OverridesRequest(List<Guid>? Include, List<Guid>? Exclude);
