using Coordination.Contracts.Embargo;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>A refused request goes on the timeline and undoes the status its request set.</summary>
public sealed class EmbargoRequestRefusedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoRequestRefused>
{
    public Task Consume(ConsumeContext<EmbargoRequestRefused> context)
    {
        var m = context.Message;
        var undo = m.Request switch
        {
            nameof(StartEmbargo) => CaseStatusMoves.EmbargoRefused,
            nameof(WithdrawCase) => CaseStatusMoves.WithdrawalRefused,
            _ => null, // extensions and breaks are asked of the embargo-scheduler directly; intake set no status for them
        };
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(null, "embargo-scheduler"), "embargo.refused", m.RefusedAt, new { m.Request, m.Reason }, undo);
    }
}
