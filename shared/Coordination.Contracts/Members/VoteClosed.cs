namespace Coordination.Contracts.Members;

/// <summary>Result is "accepted" or "rejected".</summary>
public sealed record VoteClosed(Guid NominationId, string Result, int Yes, int No, int Abstain, DateTimeOffset ClosedAt);
