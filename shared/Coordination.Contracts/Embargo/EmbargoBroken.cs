namespace Coordination.Contracts.Embargo;

public sealed record EmbargoBroken(Guid CaseId, string Reason, Guid RequestedBy, DateTimeOffset BrokenAt);
