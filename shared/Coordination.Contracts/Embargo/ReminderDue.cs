namespace Coordination.Contracts.Embargo;

/// <summary>Scheduled by the saga before the disclosure instant, for <paramref name="RemindAt"/> (absent in messages
/// scheduled before it was added).</summary>
public sealed record ReminderDue(Guid CaseId, DateTimeOffset DisclosureAt, DateTimeOffset? RemindAt = null);
