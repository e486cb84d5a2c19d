using Coordination.Contracts.Embargo;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class EmbargoBrokenConsumer(NpgsqlDataSource db) : IConsumer<EmbargoBroken>
{
    public Task Consume(ConsumeContext<EmbargoBroken> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(m.RequestedBy, "embargo-scheduler"), "embargo.broken", m.BrokenAt, new { m.Reason }, CaseStatusMoves.EmbargoBroken, new { m.CaseId, m.BrokenAt });
    }
}
