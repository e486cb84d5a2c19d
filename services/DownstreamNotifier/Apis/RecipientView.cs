namespace DownstreamNotifier.Apis;

/// <param name="Warned">has been sent the case's Embargoed notice (in any state; see NewRecipientsRound): false for a
/// contact or project registered during the embargo that a member has not had warned yet.</param>
/// <param name="Excluded">told before a member excluded its project: it hears of schedule changes only (mode schedule_only).</param>
public sealed record RecipientView(
    Guid ContactId, string Name, string Email, Guid ProjectId, string Project, IReadOnlyList<string> Path,
    bool HasKey, string? KeyFingerprint, DateTimeOffset? KeyExpiresAt, bool KeyExpiresBeforeDisclosure, string Mode, bool Warned, bool Excluded);
