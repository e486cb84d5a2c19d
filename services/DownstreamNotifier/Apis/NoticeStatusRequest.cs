namespace DownstreamNotifier.Apis;

/// <summary>Status as in VINCE: affected, not_affected, fixed, investigating.</summary>
public sealed record NoticeStatusRequest(string? Status, string? Statement);
