namespace DownstreamNotifier.Registry;

/// <summary>Row is 1-based (CSV: the data line after the header). Status: imported or rejected.</summary>
public sealed record ImportRowResult(int Row, string Status, Guid? ProjectId, int Contacts, IReadOnlyDictionary<string, string[]>? Errors);
