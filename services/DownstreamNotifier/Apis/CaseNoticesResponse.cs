using DownstreamNotifier.Data;

namespace DownstreamNotifier.Apis;

public sealed record CaseNoticesResponse(Guid CaseId, IReadOnlyDictionary<string, int> Counts, int Acknowledged, IReadOnlyList<CaseNotice> Notices);
