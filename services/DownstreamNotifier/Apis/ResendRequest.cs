namespace DownstreamNotifier.Apis;

/// <param name="ContactIds">the contacts whose failed notices go again; left out (or no body), every failed notice of the case.</param>
public sealed record ResendRequest(List<Guid>? ContactIds);

public sealed record ResendResponse(Guid CaseId, IReadOnlyList<ResentNotice> Resent, IReadOnlyList<NotResentNotice> NotResent);

public sealed record ResentNotice(long NoticeId, Guid ContactId, string Email, string Kind, string Mode, string? LastError);

public sealed record NotResentNotice(long NoticeId, Guid ContactId, string Email, string Kind, string Reason);
