namespace DownstreamNotifier.Apis;

public sealed record OverridesRequest(List<Guid>? Include, List<Guid>? Exclude);

/// <param name="NoticesCancelled">notices not sent yet to contacts of the projects excluded, cancelled (see ExcludedProjectNotices).</param>
/// <param name="NoticesScheduleOnly">notices not sent yet to such contacts told before, which now go without the case's details.</param>
public sealed record OverridesResponse(List<Guid> Include, List<Guid> Exclude, int NoticesCancelled, int NoticesScheduleOnly);
