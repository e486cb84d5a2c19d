using Coordination.Contracts.Cases;
using Coordination.Hosting.Data;
using Disclosure.Data;
using Disclosure.Publishing;
using MassTransit;
using Npgsql;

namespace Disclosure.Consumers;

/// <summary>
/// Keeps every draft revision. Completes a publication that was waiting for this revision, and after
/// disclosure publishes a later revision as a new version.
/// </summary>
public sealed partial class AdvisoryDraftUpdatedConsumer(NpgsqlDataSource dataSource, AdvisoryPublisher publisher, ILogger<AdvisoryDraftUpdatedConsumer> logger)
    : IConsumer<AdvisoryDraftUpdated>
{
    public Task Consume(ConsumeContext<AdvisoryDraftUpdated> context) =>
        Inbox.ProcessOnceAsync(dataSource, context, nameof(AdvisoryDraftUpdatedConsumer), async (conn, tx) =>
        {
            var m = context.Message;
            await DraftStore.LockCaseAsync(conn, tx, m.CaseId);
            await DraftStore.SaveAsync(conn, tx, m.CaseId, m.Revision, m.Draft, m.UpdatedAt);
            LogStored(m.CaseId, m.Revision);

            if (await DraftStore.TakePendingAsync(conn, tx, m.CaseId, m.Revision))
                await publisher.PublishAsync(conn, tx, m.CaseId, m.Revision, m.Draft);
            else if (await AdvisoryStore.GetByCaseAsync(conn, tx, m.CaseId) is { WithdrawnAt: null } published && m.Revision > published.CurrentRevision)
                await publisher.PublishAsync(conn, tx, m.CaseId, m.Revision, m.Draft);
        });

    [LoggerMessage(LogLevel.Information, "Stored draft revision {Revision} of case {CaseId}")]
    private partial void LogStored(Guid caseId, int revision);
}
