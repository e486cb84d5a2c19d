using System.Security.Cryptography;
using System.Text;

namespace DownstreamNotifier.Consumers;

/// <summary>The NotificationId of the Embargoed round a draft revision starts for its new dependents: the same for a
/// redelivery of that revision, so it records nothing twice.</summary>
public static class DraftRoundIds
{
    public static Guid For(Guid caseId, int revision)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"notifier/draft-round/{caseId:N}/{revision}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 style (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    /// <summary>
    /// The draft revision whose round this is, looked for among revisions 0 to <paramref name="latestRevision"/>: the
    /// round's row does not keep it, and a round sent again after it stalled must warn only those its revision added
    /// (without its revision it would be taken for a member's warning, which warns everybody not warned yet).
    /// </summary>
    public static int? RevisionOf(Guid caseId, Guid notificationId, int latestRevision)
    {
        for (var revision = latestRevision; revision >= 0; revision--)
            if (For(caseId, revision) == notificationId) return revision;
        return null;
    }
}
