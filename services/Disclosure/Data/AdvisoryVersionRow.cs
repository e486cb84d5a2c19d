namespace Disclosure.Data;

/// <summary>One version of an advisory with its records (the advisory_versions table).</summary>
public sealed class AdvisoryVersionRow
{
    public int Version { get; init; }
    public int Revision { get; init; }
    public string Kind { get; init; } = "";
    public DateTimeOffset PublishedAt { get; init; }
    public string Summary { get; init; } = "";
    public string Osv { get; init; } = "";
    public string? Cve { get; init; }
    public string Csaf { get; init; } = "";
}
