namespace DownstreamNotifier.Apis;

/// <param name="ContactIds">the contacts whose failed notices go again; left out (or no body), every failed notice of the case.</param>
public sealed record ResendRequest(List<Guid>? ContactIds);

public sealed record ResendResponse(Guid CaseId, IReadOnlyList<ResentNotice> Resent, IReadOnlyList<NotResentNotice> NotResent);

/// <param name="ContactId">the contact the notice goes to now.</param>
/// <param name="FailedAsContactId">set when the notice failed as another contact with the same address, which is now
/// told as <paramref name="ContactId"/> (see RecipientResolver: one notice per address).</param>
public sealed record ResentNotice(long NoticeId, Guid ContactId, string Email, string Kind, string Mode, string? LastError, Guid? FailedAsContactId);

public sealed record NotResentNotice(long NoticeId, Guid ContactId, string Email, string Kind, string Reason);
