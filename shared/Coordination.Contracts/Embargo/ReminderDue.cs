namespace Coordination.Contracts.Embargo;

/// <summary>Scheduled by the saga before the disclosure instant.</summary>
public sealed record ReminderDue(Guid CaseId, DateTimeOffset DisclosureAt);
