namespace Coordination.Contracts.Embargo;

/// <summary>Not a vulnerability, or a duplicate. Accepted in any state before Disclosing.</summary>
public sealed record WithdrawCase(Guid CaseId, string Reason, Guid RequestedBy, DateTimeOffset RequestedAt);
