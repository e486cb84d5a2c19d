namespace DownstreamNotifier.Delivery;

/// <summary>
/// Decides when a round whose notices are still not all recorded gets its NotifyDownstream sent again: once it is
/// <c>overdue</c> old (counted from when this process started, for a round older than that), then each time another
/// such period has passed since the last time, <see cref="MaxResends"/> times at most; after that it is given up on,
/// once. Recording a round takes seconds and its message's retries under a minute, so a round still short after that
/// lost its message (typically to the error queue after the retries, the service having died between chunks or the
/// database having been away); sent again, the consumer records the rest.
/// </summary>
public sealed class StalledRounds(TimeSpan overdue, DateTimeOffset startedAt)
{
    public const int MaxResends = 3;

    public enum Verdict { Wait, Resend, GiveUp }

    private readonly Dictionary<Guid, (int Resends, DateTimeOffset Last)> rounds = new();

    /// <returns>what to do about the round now; with <see cref="Verdict.Resend"/>, which resend this is (from 1).</returns>
    public (Verdict Verdict, int Resend) Check(Guid round, DateTimeOffset createdAt, DateTimeOffset now)
    {
        var (resends, last) = rounds.TryGetValue(round, out var seen) ? seen : (0, createdAt > startedAt ? createdAt : startedAt);
        if (resends > MaxResends || now - last <= overdue) return (Verdict.Wait, 0);
        rounds[round] = (resends + 1, now);
        return resends == MaxResends ? (Verdict.GiveUp, 0) : (Verdict.Resend, resends + 1);
    }

    /// <summary>The round is done (or gone): nothing more to track.</summary>
    public void Forget(Guid round) => rounds.Remove(round);

    /// <summary>Forgets every round not among <paramref name="open"/> (completed by another instance, say).</summary>
    public void KeepOnly(IReadOnlySet<Guid> open)
    {
        foreach (var round in rounds.Keys.Where(r => !open.Contains(r)).ToList()) rounds.Remove(round);
    }
}
