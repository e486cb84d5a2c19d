using System.Security.Cryptography;
using System.Text;

namespace EmbargoScheduler.StateMachines;

/// <summary>
/// A round of notices is named after the message that caused it, so a redelivery of that message (the saga runs
/// again after a crash before its commit) sends the same NotificationId and the notifier sends nothing twice.
/// </summary>
public static class NotificationIds
{
    public static Guid For(Guid? causingMessageId, string kind)
    {
        if (causingMessageId is not { } id) return Guid.NewGuid();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{id:N}/{kind}"));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50); // version 5 style (name-based)
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }
}
