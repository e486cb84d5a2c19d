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
}
