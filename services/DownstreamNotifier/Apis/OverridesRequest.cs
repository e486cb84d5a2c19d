namespace DownstreamNotifier.Apis;

public sealed record OverridesRequest(List<Guid>? Include, List<Guid>? Exclude);

/// <param name="NoticesCancelled">notices not sent yet to contacts of the projects excluded, cancelled (see ExcludedProjectNotices).</param>
/// <param name="NoticesScheduleOnly">notices not sent yet to such contacts told before, which now go without the case's details.</param>
/// <param name="WarningRound">when the change adds projects during the embargo: the Embargoed round that warns their
/// contacts not warned yet, and no one else (null when there are none, or no embargo runs).</param>
/// <param name="Warned">those recipients.</param>
/// <param name="Resent">when the change lifts an exclusion: the notices it cancelled, sent again (as by a resend).</param>
/// <param name="NotResent">the notices it cancelled that stay so, each with why (out of date, ...).</param>
/// <param name="NoticesWithDetailsAgain">when the change lifts an exclusion: its contacts' notices not sent yet that went
/// without the case's details and now carry them.</param>
public sealed record OverridesResponse(List<Guid> Include, List<Guid> Exclude, int NoticesCancelled, int NoticesScheduleOnly,
    Guid? WarningRound, IReadOnlyList<WarnedRecipient> Warned, IReadOnlyList<ResentNotice> Resent, IReadOnlyList<NotResentNotice> NotResent,
    int NoticesWithDetailsAgain);
