namespace EmbargoScheduler.StateMachines;

/// <summary>One accepted extension: who moved disclosure, from when to when, and why.</summary>
public sealed record EmbargoExtension(DateTimeOffset PreviousDisclosureAt, DateTimeOffset DisclosureAt, string Reason, Guid RequestedBy, DateTimeOffset ExtendedAt);
