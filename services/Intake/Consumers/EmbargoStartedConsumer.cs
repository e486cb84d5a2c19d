using Coordination.Contracts.Embargo;
using Coordination.Hosting.Data;
using Dapper;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>
/// The embargo started: the case becomes embargoed, unless a later event got here first (events are consumed in no
/// set order): a withdrawn or disclosed case stays so, and a requested withdrawal stays requested, to fall back to
/// embargoed if it is refused.
/// </summary>
public sealed class EmbargoStartedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoStarted>
{
    private const string SetStatusSql = """
        UPDATE cases SET
            status = CASE WHEN status IN ('open', 'embargo-requested') THEN 'embargoed' ELSE status END,
            status_before_withdrawal = CASE WHEN status = 'withdrawal-requested' THEN 'embargoed' ELSE status_before_withdrawal END
        WHERE id = @CaseId
        """;

    public Task Consume(ConsumeContext<EmbargoStarted> context)
    {
        var m = context.Message;
        return Inbox.ProcessOnceAsync(db, context, "intake-" + nameof(EmbargoStarted), async (conn, tx) =>
        {
            await AuditLog.AppendAsync(conn, tx, new Actor(null, "embargo-scheduler"), "embargo.started", m.StartedAt, m.CaseId, new { m.DisclosureAt, m.Channels });
            await conn.ExecuteAsync(SetStatusSql, new { m.CaseId }, tx);
        });
    }
}
