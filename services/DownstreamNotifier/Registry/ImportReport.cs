namespace DownstreamNotifier.Registry;

public sealed record ImportReport(int Rows, int Imported, int Rejected, IReadOnlyList<ImportRowResult> Results);
