namespace DownstreamNotifier.Data;

/// <summary>A failed or cancelled notice of a case, with what its round said and whether its contact is still registered.</summary>
public sealed class FailedNotice
{
    public long NoticeId { get; init; }
    public Guid NotificationId { get; init; }
    public Guid ContactId { get; init; }
    public string Email { get; init; } = "";
    public string Kind { get; init; } = "";
    public DateTimeOffset DisclosureAt { get; init; }
    public string? LastError { get; init; }
    public bool ContactDeleted { get; init; }
    /// <summary>Whether all of its round's notices are recorded (the round is not still being recorded).</summary>
    public bool RoundRecorded { get; init; }
}
