namespace Coordination.Contracts.Members;

/// <summary>
/// Result is "accepted" or "rejected". VetoReason is set when an admin recorded the oversight body's veto; a veto after
/// the close publishes VoteClosed again for the same nomination with Result "rejected" (the latest one holds).
/// </summary>
public sealed record VoteClosed(Guid NominationId, string Result, int Yes, int No, int Abstain, DateTimeOffset ClosedAt,
    string? VetoReason = null);
