namespace Coordination.Contracts.Embargo;

public sealed record EmbargoExtended(Guid CaseId, DateTimeOffset PreviousDisclosureAt, DateTimeOffset DisclosureAt, string Reason, Guid RequestedBy, DateTimeOffset ExtendedAt);
