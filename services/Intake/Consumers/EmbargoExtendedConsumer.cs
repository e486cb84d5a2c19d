using Coordination.Contracts.Embargo;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class EmbargoExtendedConsumer(NpgsqlDataSource db) : IConsumer<EmbargoExtended>
{
    public Task Consume(ConsumeContext<EmbargoExtended> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(m.RequestedBy, "embargo-scheduler"), "embargo.extended", m.ExtendedAt, new { m.PreviousDisclosureAt, m.DisclosureAt, m.Reason },
            CaseStatusMoves.EmbargoExtended, new { m.CaseId, m.DisclosureAt });
    }
}
