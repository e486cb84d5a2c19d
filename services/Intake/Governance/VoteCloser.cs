using Coordination.Contracts.Members;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Intake.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Governance;

/// <summary>
/// Decides a vote once: under the nomination's row lock, an open vote past its deadline is counted (the votes and the
/// number of those who were members at the deadline), stored and announced (VoteClosed through the outbox). A repeated or late CloseVote
/// finds it closed and does nothing; an early one is scheduled again for the deadline.
/// </summary>
public sealed partial class VoteCloser(NpgsqlDataSource db, TimeProvider time, IOptions<GovernanceOptions> options, ILogger<VoteCloser> logger)
{
    public enum Outcome { NotFound, AlreadyClosed, NotYetDue, Closed }

    public async Task<Outcome> CloseAsync(Guid nominationId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var nomination = await NominationStore.GetForUpdateAsync(conn, tx, nominationId);
        if (nomination is null) return Outcome.NotFound;
        if (nomination.Status != NominationStatuses.Open) return Outcome.AlreadyClosed;
        if (now < nomination.ClosesAt)
        {
            await Outbox.SendAsync(conn, tx, Queues.Address(Queues.Scheduler).ToString(), ScheduleCloseVote.For(nominationId, nomination.ClosesAt));
            await tx.CommitAsync(ct);
            return Outcome.NotYetDue;
        }

        // As the team stood at the deadline: a CloseVote arriving late (the clock or the broker was down) must not count
        // members who joined since, who could not vote, nor lose the votes of those who left since.
        var tally = await NominationStore.TallyAsync(conn, tx, nominationId, nomination.ClosesAt);
        var members = await TeamStore.CountMembersAtAsync(conn, tx, nomination.ClosesAt);
        var decision = VoteCount.Decide(tally, members, options.Value.Rule);
        var result = decision.Accepted && nomination.VetoReason is null ? NominationStatuses.Accepted : NominationStatuses.Rejected;
        await NominationStore.CloseAsync(conn, tx, nominationId, result, tally, members, now);
        await AuditLog.AppendAsync(conn, tx, Actor.System, "nomination.vote-closed", now, detail: new
        {
            nominationId, result, tally.Yes, tally.No, tally.Abstain, currentMembers = members,
            decision.QuorumRequired, decision.QuorumMet, decision.ApprovalMet, vetoed = nomination.VetoReason is not null,
        });
        await Outbox.PublishAsync(conn, tx, new VoteClosed(nominationId, result, tally.Yes, tally.No, tally.Abstain, now, nomination.VetoReason));
        await tx.CommitAsync(ct);
        LogClosed(nominationId, result, tally.Yes, tally.No, tally.Abstain);
        return Outcome.Closed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Vote on nomination {NominationId} closed: {Result} ({Yes} yes, {No} no, {Abstain} abstain)")]
    private partial void LogClosed(Guid nominationId, string result, int yes, int no, int abstain);
}
