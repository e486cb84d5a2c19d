namespace Disclosure.Data;

/// <summary>An announcement waiting to be sent.</summary>
public sealed class AnnouncementRow
{
    public long Id { get; init; }
    public Guid CaseId { get; init; }
    public int Version { get; init; }
    public string Recipient { get; init; } = "";
    public string Subject { get; init; } = "";
    public string Body { get; init; } = "";
    public int Attempts { get; init; }

    /// <summary>The advisory has been withdrawn since the announcement was queued.</summary>
    public bool Withdrawn { get; init; }
}
