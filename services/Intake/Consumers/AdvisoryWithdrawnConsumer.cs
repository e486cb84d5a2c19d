using Coordination.Contracts.Disclosure;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>The public advisory was withdrawn (disclosure): the case is closed for good, as one withdrawn under embargo
/// (its draft no longer edited: a revision would not be published), and its timeline says who withdrew it and why.</summary>
public sealed class AdvisoryWithdrawnConsumer(NpgsqlDataSource db) : IConsumer<AdvisoryWithdrawn>
{
    public Task Consume(ConsumeContext<AdvisoryWithdrawn> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(m.WithdrawnBy, "disclosure"), "advisory.withdrawn", m.WithdrawnAt,
            new { m.AdvisoryId, m.Version, m.Reason }, CaseStatusMoves.Withdrawn);
    }
}
