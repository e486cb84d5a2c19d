namespace Intake.Data;

/// <summary>One line of the audit log. Detail is JSON with ids and counts, never embargoed text.</summary>
public sealed record AuditEntry(long Id, Guid? CaseId, Guid? ActorId, string ActorName, string Action, string Detail, DateTimeOffset At);
