namespace DownstreamNotifier.Delivery;

/// <summary>A notice a sender worker holds locked while it sends it.</summary>
public sealed class ClaimedNotice
{
    public long Id { get; init; }
    public Guid NotificationId { get; init; }
    public Guid CaseId { get; init; }
    public Guid ContactId { get; init; }
    /// <summary>The contact's current address (the one recorded with the notice only when the contact is deleted).</summary>
    public string Email { get; init; } = "";
    /// <summary>The contact was deleted after the notice was recorded: it is not sent.</summary>
    public bool ContactDeleted { get; init; }
    public string Kind { get; init; } = "";
    public string Mode { get; init; } = "";
    public int Attempts { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public string? ContactName { get; init; }
    /// <summary>The contact's link generation: its notice link is issued under it (see NoticeLinks).</summary>
    public int LinkGeneration { get; init; }
    public string? PublicKey { get; init; }
    public string? KeyFingerprint { get; init; }
    public DateTimeOffset? KeyExpiresAt { get; init; }
    /// <summary>The fingerprint of the subkey the check at upload chose; null for keys stored before it was kept.</summary>
    public string? EncryptionSubkey { get; init; }
    public string? TimeZone { get; init; }
    /// <summary>A plain notice whose address is now, through any project it is a contact of, in a channel that requires encryption.</summary>
    public bool AddressRequiresEncryption { get; init; }
    /// <summary>A Reminder whose contact has acknowledged the case since the reminder round was recorded.</summary>
    public bool AcknowledgedSince { get; init; }

    /// <summary>The mail server accepted this notice before a crash kept its sender from recording the outcome.</summary>
    public bool Accepted { get; init; }
    public string? AcceptedReply { get; init; }
    public DateTimeOffset? AcceptedAt { get; init; }
}
