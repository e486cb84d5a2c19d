namespace DownstreamNotifier.Data;

public sealed class NotificationProgress
{
    public Guid Id { get; init; }
    public Guid CaseId { get; init; }
    public string Kind { get; init; } = "";
    public int Total { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public long Sent { get; init; }
    public long Deferred { get; init; }
    public long Failed { get; init; }
    public long Pending { get; init; }
    /// <summary>Not sent because the case was withdrawn (final, like sent and failed).</summary>
    public long Cancelled { get; init; }
    /// <summary>All of the round's notices are recorded (they are recorded in chunks).</summary>
    public bool NoticesRecorded { get; init; }
}
