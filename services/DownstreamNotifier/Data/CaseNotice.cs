namespace DownstreamNotifier.Data;

/// <summary>One notice to one recipient, with its delivery and acknowledgement state.</summary>
public sealed class CaseNotice
{
    public long NoticeId { get; init; }
    public Guid NotificationId { get; init; }
    public Guid ContactId { get; init; }
    public Guid ProjectId { get; init; }
    public string Email { get; init; } = "";
    public string Kind { get; init; } = "";
    public string Mode { get; init; } = "";
    public string[] Path { get; init; } = [];
    public string State { get; init; } = "";
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public string? ServerReply { get; init; }
    public DateTimeOffset? SentAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public string? Status { get; init; }
    public string? Statement { get; init; }
}
