using Coordination.Contracts.Embargo;
using Coordination.Hosting.Data;
using Dapper;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>
/// A refused request goes on the timeline and undoes the status its request set: a refused embargo leaves the case
/// open, a refused withdrawal puts back the status the case had when it was requested.
/// </summary>
public sealed class EmbargoRequestRefusedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoRequestRefused>
{
    private const string UndoEmbargoRequestSql = "UPDATE cases SET status = 'open' WHERE id = @CaseId AND status = 'embargo-requested'";

    private const string UndoWithdrawalRequestSql = """
        UPDATE cases SET status = coalesce(status_before_withdrawal, 'open'), status_before_withdrawal = NULL
        WHERE id = @CaseId AND status = 'withdrawal-requested'
        """;

    public Task Consume(ConsumeContext<EmbargoRequestRefused> context)
    {
        var m = context.Message;
        var undo = m.Request switch
        {
            nameof(StartEmbargo) => UndoEmbargoRequestSql,
            nameof(WithdrawCase) => UndoWithdrawalRequestSql,
            _ => null, // extensions and breaks are asked of the embargo-scheduler directly; intake set no status for them
        };
        return Inbox.ProcessOnceAsync(db, context, "intake-" + nameof(EmbargoRequestRefused), async (conn, tx) =>
        {
            await AuditLog.AppendAsync(conn, tx, new Actor(null, "embargo-scheduler"), "embargo.refused", m.RefusedAt, m.CaseId, new { m.Request, m.Reason });
            if (undo is not null) await conn.ExecuteAsync(undo, new { m.CaseId }, tx);
        });
    }
}
