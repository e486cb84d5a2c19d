using Coordination.Contracts.Embargo;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class EmbargoStartedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoStarted>
{
    public Task Consume(ConsumeContext<EmbargoStarted> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(null, "embargo-scheduler"), "embargo.started", m.StartedAt, new { m.DisclosureAt, m.Channels }, CaseStatusMoves.EmbargoStarted, new { m.CaseId, m.DisclosureAt });
    }
}
