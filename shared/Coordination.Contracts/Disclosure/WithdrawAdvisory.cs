namespace Coordination.Contracts.Disclosure;

/// <summary>Withdraw an advisory already published (OSV "withdrawn"); it stays listed as withdrawn.</summary>
public sealed record WithdrawAdvisory(Guid CaseId, string Reason, Guid RequestedBy);
