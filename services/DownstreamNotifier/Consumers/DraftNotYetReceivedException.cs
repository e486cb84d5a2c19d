namespace DownstreamNotifier.Consumers;

/// <summary>
/// A NotifyDownstream names a draft revision the notifier has not received yet (AdvisoryDraftUpdated travels on another
/// queue): the round is not recorded, and the message is retried and redelivered until the draft is here. Carries
/// only ids and revisions.
/// </summary>
public sealed class DraftNotYetReceivedException(Guid caseId, Guid notificationId, int? stored, int wanted)
    : Exception($"Case {caseId}: notification {notificationId} waits for draft revision {wanted}; the notifier has {(stored is { } s ? s.ToString() : "none")}");
