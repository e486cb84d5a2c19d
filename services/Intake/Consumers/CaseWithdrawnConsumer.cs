using Coordination.Contracts.Embargo;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class CaseWithdrawnConsumer(NpgsqlDataSource db) : IConsumer<CaseWithdrawn>
{
    public Task Consume(ConsumeContext<CaseWithdrawn> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(m.RequestedBy, "embargo-scheduler"), "case.withdrawn", m.WithdrawnAt, new { m.Reason }, CaseStatusMoves.Withdrawn);
    }
}
