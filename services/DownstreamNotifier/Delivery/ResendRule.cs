using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Recipients;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Whether a failed (or cancelled) notice may go again when a member asks (after fixing the contact's address or key,
/// once the mail server is fixed, or once its project is no longer excluded). It goes to the contact as a recipient of the case now (address, key, mode: an exclusion or a
/// channel that has come to require encryption since count) and says what its round said; so it goes only while that
/// is still true: a notice of the running embargo for the current disclosure instant, or the one that ended it
/// (Broken, NowPublic, Withdrawn). A Reminder does not go to a contact who has acknowledged or been excluded since.
/// </summary>
public static class ResendRule
{
    /// <param name="recipient">the contact as the case's recipients stand now; null when it is not one of them.</param>
    /// <returns>null when the notice may go again, otherwise why not.</returns>
    public static string? WhyNot(FailedNotice notice, CaseEmbargo? embargo, Recipient? recipient, bool acknowledged, DateTimeOffset now)
    {
        if (notice.ContactDeleted) return "the contact was deleted";
        if (recipient is null) return "no longer a recipient of the case (its project was excluded, or depends on no affected package now)";
        if (embargo is null) return "the case has no embargo on record";
        var endedBy = embargo.Ended switch
        {
            null => null,
            CaseEmbargo.Broken => NoticeKinds.Broken,
            CaseEmbargo.Public => NoticeKinds.NowPublic,
            CaseEmbargo.Withdrawn => NoticeKinds.Withdrawn,
            _ => "",
        };
        if (endedBy is not null)
            return notice.Kind == endedBy ? null : $"out of date: the embargo has ended ({embargo.Ended}) since this {notice.Kind} notice";
        if (notice.Kind is not (NoticeKinds.Embargoed or NoticeKinds.Reminder or NoticeKinds.Extended))
            return $"a {notice.Kind} notice while the embargo runs";
        if (now >= embargo.DisclosureAt) return "out of date: the disclosure instant has passed";
        if (notice.DisclosureAt != embargo.DisclosureAt)
            return $"out of date: the disclosure instant has moved to {embargo.DisclosureAt.UtcDateTime:yyyy-MM-dd HH:mm}Z since this notice's round";
        if (notice.Kind == NoticeKinds.Reminder && (acknowledged || recipient.Excluded))
            return "the contact has acknowledged or been excluded since; reminders go to neither";
        return null;
    }
}
