using DownstreamNotifier.Data;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Decides when a round whose notices are still not all recorded gets its NotifyDownstream sent again: once it is
/// <c>overdue</c> old (counted from when this process started, for a round older than that), then each time another
/// such period has passed since the last time, <see cref="MaxResends"/> times at most; after that it is given up on,
/// once. Recording a round takes seconds and its message's retries under a minute, so a round still short after that
/// lost its message (typically to the error queue after the retries, the service having died between chunks or the
/// database having been away); sent again, the consumer records the rest.
/// The count and the last time are the round's, in the database (one atomic update claims each resend): with several
/// instances of the service, the round is sent again once per period, and given up on once, in all.
/// </summary>
public sealed class StalledRounds(TimeSpan overdue, DateTimeOffset startedAt)
{
    public const int MaxResends = 3;

    public enum Verdict { Wait, Resend, GiveUp }

    /// <returns>what to do about the round now; with <see cref="Verdict.Resend"/>, which resend this is (from 1). A
    /// resend or give-up is recorded as claimed in <paramref name="tx"/>: it counts once that commits.</returns>
    public async Task<(Verdict Verdict, int Resend)> CheckAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid round, DateTimeOffset now) =>
        await NoticeStore.ClaimRecordingResendAsync(conn, tx, round, now, now - overdue, startedAt, MaxResends) switch
        {
            null => (Verdict.Wait, 0),
            > MaxResends => (Verdict.GiveUp, 0),
            var resend => (Verdict.Resend, resend.Value),
        };
}
