namespace EmbargoScheduler.Tests.Sagas;

/// <summary>Makes the counter schedule a message elsewhere, then (when asked) fail after scheduling it.</summary>
public sealed record ScheduleReminder(Guid CounterId, bool FailAfterScheduling);
