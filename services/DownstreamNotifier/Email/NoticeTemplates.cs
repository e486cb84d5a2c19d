using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Registry;

namespace DownstreamNotifier.Email;

/// <summary>
/// The plain-text notices, one template per kind. Only the encrypted and plain modes carry the case's details; the
/// link-only and schedule-only modes leave out every embargoed detail (see <see cref="NoticeModes"/>).
/// </summary>
public static class NoticeTemplates
{
    // What is the same for every recipient of a round, made once per record of it (the senders read one per batch).
    private sealed record Prepared(string Subject, string WithDetails, string LinkOnly, string ScheduleOnly);

    private static readonly ConditionalWeakTable<NotificationRecord, Prepared> PreparedRounds = new();

    public static (string Subject, string Body) Render(NotificationRecord n, string? contactName, string? timeZone, string link, string mode)
    {
        var prepared = PreparedRounds.GetValue(n, Prepare);
        var b = new StringBuilder(2048);
        b.Append("Hello").Append(string.IsNullOrWhiteSpace(contactName) ? "" : " " + contactName).AppendLine(",").AppendLine();
        b.Append(NoticeModes.CarriesDetails(mode) ? prepared.WithDetails : mode == NoticeModes.ScheduleOnly ? prepared.ScheduleOnly : prepared.LinkOnly);
        if (HasInstant(n.Kind))
        {
            if (ContactTime.Offset(timeZone, n.DisclosureAt) is { } offset && offset != TimeSpan.Zero)
                b.Append("            ").Append(n.DisclosureAt.ToOffset(offset).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture))
                    .Append(" your time (").Append(timeZone).AppendLine(")");
            b.AppendLine();
        }
        b.AppendLine("Acknowledge this notice, and tell us whether you are affected, here:").AppendLine(link).AppendLine();
        b.AppendLine("-- ").AppendLine("Security Response Team");
        return (prepared.Subject, b.ToString());
    }

    /// <summary>Whether a notice of the kind tells the case's details (to whom its mode allows): a Withdrawn one says only
    /// that the case is withdrawn, a NowPublic one points to the public advisory.</summary>
    public static bool TellsCaseDetails(string kind) => kind is not (NoticeKinds.Withdrawn or NoticeKinds.NowPublic);

    private static Prepared Prepare(NotificationRecord n)
    {
        var tag = SubjectTag.For(n.CaseId);
        // Subjects travel unencrypted even in PGP/MIME: they never carry embargoed details.
        var subject = n.Kind switch
        {
            NoticeKinds.Embargoed => $"{tag} Embargoed security notice",
            NoticeKinds.Reminder => $"{tag} Reminder: embargo ends {Utc(n.DisclosureAt)}",
            NoticeKinds.Extended => $"{tag} Embargo extended to {Utc(n.DisclosureAt)}",
            NoticeKinds.Broken => $"{tag} Embargo broken: disclosure now",
            NoticeKinds.NowPublic => $"{tag} Now public{PublicNames(n)}",
            NoticeKinds.Withdrawn => $"{tag} Coordination withdrawn: embargo lifted",
            _ => $"{tag} Security notice",
        };
        return new Prepared(subject, Middle(n, NoticeModes.Plain), Middle(n, NoticeModes.LinkOnly), Middle(n, NoticeModes.ScheduleOnly));
    }

    // From the kind's opening to the disclosure instant in UTC.
    private static string Middle(NotificationRecord n, string mode)
    {
        var withDetails = NoticeModes.CarriesDetails(mode);
        var b = new StringBuilder();
        switch (n.Kind)
        {
            case NoticeKinds.Embargoed:
                b.AppendLine("You are receiving this notice because a project you maintain depends on software affected by a");
                b.AppendLine("vulnerability that is under embargo. Do not share it beyond the people who must act on it.").AppendLine();
                break;
            case NoticeKinds.Reminder:
                b.AppendLine("A reminder: the embargo on the issue we told you about ends soon. Please acknowledge the notice").AppendLine("if you have not.").AppendLine();
                break;
            case NoticeKinds.Extended:
                b.AppendLine("The embargo on the issue we told you about has been extended.").AppendLine();
                break;
            case NoticeKinds.Broken:
                b.AppendLine("The embargo on the issue we told you about has been broken; it is being disclosed now.").AppendLine();
                if (!string.IsNullOrWhiteSpace(n.Reason) && withDetails) b.Append("Reason: ").AppendLine(n.Reason).AppendLine();
                break;
            case NoticeKinds.NowPublic:
                b.AppendLine("The issue we told you about is now public.").AppendLine();
                if (n.AdvisoryId is not null) b.Append("Advisory: ").AppendLine(n.AdvisoryId);
                if (PublicCve(n) is { } cve) b.Append("CVE: ").AppendLine(cve);
                foreach (var url in n.AdvisoryUrls) b.AppendLine(url);
                b.AppendLine();
                break;
            case NoticeKinds.Withdrawn:
                b.AppendLine("The coordination of the issue we told you about has been withdrawn: the embargo is lifted, and");
                b.AppendLine("there will be no coordinated disclosure. Nothing is scheduled for it any more.").AppendLine();
                if (!string.IsNullOrWhiteSpace(n.Reason) && withDetails) b.Append("Reason: ").AppendLine(n.Reason).AppendLine();
                return b.ToString(); // nothing of the case beyond that it is withdrawn, and no disclosure instant
        }

        if (withDetails && n.Draft is { } draft && TellsCaseDetails(n.Kind))
        {
            b.Append("What: ").AppendLine(draft.Title).AppendLine();
            if (!string.IsNullOrWhiteSpace(draft.Summary)) b.AppendLine(draft.Summary).AppendLine();
            if (draft.Affected.Count > 0)
            {
                b.AppendLine("Affected:");
                foreach (var a in draft.Affected)
                {
                    b.Append("  - ").Append(a.Ecosystem).Append(' ').Append(a.Name);
                    if (!string.IsNullOrEmpty(a.Purl)) b.Append(" (").Append(a.Purl).Append(')');
                    if (a.Versions is { Count: > 0 }) b.Append(": versions ").Append(string.Join(", ", a.Versions));
                    b.AppendLine();
                    foreach (var range in a.Ranges)
                        b.Append("      ").Append(range.Type).Append(": ").AppendLine(string.Join(", ", range.Events.Select(FormatEvent)));
                }
                b.AppendLine();
            }
            if (!string.IsNullOrWhiteSpace(draft.Remediation)) b.Append("Fix: ").AppendLine(draft.Remediation).AppendLine();
            if (draft.CveId is not null) b.Append("CVE: ").AppendLine(draft.CveId).AppendLine();
        }
        else if (mode == NoticeModes.LinkOnly && TellsCaseDetails(n.Kind))
        {
            b.AppendLine("The details are not in this email because your channel requires encryption and we hold no");
            b.AppendLine("OpenPGP key for you. Read them at the link below.").AppendLine();
        }

        if (n.Kind != NoticeKinds.NowPublic) b.Append("Disclosure: ").AppendLine(Utc(n.DisclosureAt));
        return b.ToString();
    }

    // Public once the advisory is: downstream trackers know an issue by its CVE id more often than by ours.
    private static string? PublicCve(NotificationRecord n) =>
        n.Kind == NoticeKinds.NowPublic && n.Draft?.CveId is { } cve && cve != n.AdvisoryId ? cve : null;

    private static string PublicNames(NotificationRecord n) => (n.AdvisoryId, PublicCve(n)) switch
    {
        (null, null) => "",
        (null, { } cve) => ": " + cve,
        ({ } advisory, null) => ": " + advisory,
        ({ } advisory, { } cve) => $": {cve} ({advisory})",
    };

    /// <summary>Whether the notice states a disclosure instant (one made public or withdrawn has none ahead).</summary>
    private static bool HasInstant(string kind) => kind is not (NoticeKinds.NowPublic or NoticeKinds.Withdrawn);

    private static string FormatEvent(Coordination.Contracts.Advisories.RangeEvent e) =>
        e.Introduced is not null ? $"introduced {e.Introduced}" : e.Fixed is not null ? $"fixed {e.Fixed}"
        : e.LastAffected is not null ? $"last affected {e.LastAffected}" : $"limit {e.Limit}";

    private static string Utc(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
