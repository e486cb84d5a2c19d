namespace Coordination.Contracts.Advisories;

/// <summary>Type is one of OSV's reference types (ADVISORY, FIX, WEB, ...).</summary>
public sealed record AdvisoryReference(string Type, string Url);
