namespace Disclosure.Rendering;

/// <summary>One published version of an advisory (CSAF revision_history).</summary>
public sealed record RevisionEntry(int Version, DateTimeOffset Date, string Summary);
