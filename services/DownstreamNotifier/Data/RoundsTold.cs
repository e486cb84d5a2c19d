using DownstreamNotifier.Recipients;

namespace DownstreamNotifier.Data;

/// <summary>
/// Who the rounds of a case's failed notices have told, for a resend: one notice per address and round. The contacts
/// with a notice of the round (in any state: one per contact and round), and the addresses a notice of it has gone or
/// is going to (not failed or cancelled).
/// </summary>
public sealed class RoundsTold(HashSet<(Guid Round, Guid Contact)> contacts, HashSet<(Guid Round, string Address)> addresses)
{
    /// <summary>Why the failed notice cannot go again as <paramref name="recipient"/>; null when it can.</summary>
    public string? WhyNot(FailedNotice notice, Recipient recipient)
    {
        if (recipient.ContactId != notice.ContactId)
        {
            // The round's remaining chunks may still record the other contact itself.
            if (!notice.RoundRecorded) return "its address is now told as another contact and its round is still being recorded; resend once it is";
            if (contacts.Contains((notice.NotificationId, recipient.ContactId)))
                return $"its address has a notice of this round as another contact ({recipient.Name} of {recipient.ProjectName})";
        }
        return addresses.Contains((notice.NotificationId, recipient.Email.ToLowerInvariant()))
            ? "its address has had this round's notice already, as another contact"
            : null;
    }

    /// <summary>Records that the notice goes again as <paramref name="recipient"/>.</summary>
    public void Take(FailedNotice notice, Recipient recipient)
    {
        contacts.Add((notice.NotificationId, recipient.ContactId));
        addresses.Add((notice.NotificationId, recipient.Email.ToLowerInvariant()));
    }
}
