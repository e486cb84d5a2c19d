using Coordination.Contracts.Embargo;
using Intake.Cases;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class EmbargoRequestRefusedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoRequestRefused>
{
    public Task Consume(ConsumeContext<EmbargoRequestRefused> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(null, "embargo-scheduler"), "embargo.refused", m.RefusedAt, new { m.Request, m.Reason }, CaseStatuses.Open, CaseStatuses.EmbargoRequested);
    }
}
