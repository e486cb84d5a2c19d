namespace Intake.Reports;

/// <summary>Whether and how the reporter wants to be credited (types in OSV spelling, any case).</summary>
public sealed record ReportCreditRequest(bool Wanted, string? Name = null, IReadOnlyList<string>? Types = null);
