using Coordination.Contracts.Disclosure;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

public sealed class AdvisoryPublishedConsumer(NpgsqlDataSource db) : IConsumer<AdvisoryPublished>
{
    public Task Consume(ConsumeContext<AdvisoryPublished> context)
    {
        var m = context.Message;
        return CaseEventRecorder.RecordAsync(db, context, m.CaseId, new Actor(null, "disclosure"), "advisory.published", m.PublishedAt, new { m.AdvisoryId, m.CveId, m.Revision, m.Urls }, CaseStatusMoves.Disclosed);
    }
}
