namespace Disclosure.Data;

/// <summary>A public advisory (the advisories table).</summary>
public sealed class AdvisoryRow
{
    public Guid CaseId { get; init; }
    public string AdvisoryId { get; init; } = "";
    public string? CveId { get; init; }
    public string Title { get; init; } = "";
    public string[] Ecosystems { get; init; } = [];
    public string[] Packages { get; init; } = [];
    public DateTimeOffset PublishedAt { get; init; }
    public DateTimeOffset ModifiedAt { get; init; }
    public DateTimeOffset? WithdrawnAt { get; init; }
    public int CurrentVersion { get; init; }
    public int CurrentRevision { get; init; }
}
