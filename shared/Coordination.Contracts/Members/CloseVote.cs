namespace Coordination.Contracts.Members;

/// <summary>Scheduled on the embargo-scheduler's durable clock for the vote's deadline.</summary>
public sealed record CloseVote(Guid NominationId);
