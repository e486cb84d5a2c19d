namespace Coordination.Contracts.Cases;

/// <summary>
/// Command to intake: publish the case's current draft again (AdvisoryDraftUpdated), for a service that needs revision
/// <see cref="Revision"/> or newer and has none of them, typically because its queue did not exist yet on the broker when
/// they were published (an event no queue is bound to is dropped). Nothing happens while the case has no such revision.
/// </summary>
public sealed record ResendDraft(Guid CaseId, int Revision);
