namespace Coordination.Contracts.Embargo;

/// <summary>A StartEmbargo or ExtendEmbargo outside policy or in the wrong state; nothing was scheduled.</summary>
public sealed record EmbargoRequestRefused(Guid CaseId, string Request, string Reason, DateTimeOffset RefusedAt);
