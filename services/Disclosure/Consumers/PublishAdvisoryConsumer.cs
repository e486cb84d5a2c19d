using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Data;
using Disclosure.Data;
using Disclosure.Publishing;
using MassTransit;
using Npgsql;

namespace Disclosure.Consumers;

/// <summary>
/// Publishes the named draft revision exactly once: the message id, the case lock and the (case, revision)
/// uniqueness all sit in the publication's transaction. A revision not received yet is recorded as pending and
/// published by <see cref="AdvisoryDraftUpdatedConsumer"/> when it arrives.
/// </summary>
public sealed partial class PublishAdvisoryConsumer(NpgsqlDataSource dataSource, AdvisoryPublisher publisher, ILogger<PublishAdvisoryConsumer> logger)
    : IConsumer<PublishAdvisory>
{
    public async Task Consume(ConsumeContext<PublishAdvisory> context)
    {
        var m = context.Message;
        var handled = await Inbox.ProcessOnceAsync(dataSource, context, nameof(PublishAdvisoryConsumer), async (conn, tx) =>
        {
            await DraftStore.LockCaseAsync(conn, tx, m.CaseId);
            if (await DraftStore.GetAsync(conn, tx, m.CaseId, m.Revision) is { } draft)
                await publisher.PublishAsync(conn, tx, m.CaseId, m.Revision, draft);
            else
            {
                await DraftStore.AddPendingAsync(conn, tx, m.CaseId, m.Revision);
                LogPending(m.CaseId, m.Revision);
            }
        });
        if (!handled) LogDuplicate(m.CaseId, m.Revision);
    }

    [LoggerMessage(LogLevel.Information, "PublishAdvisory for case {CaseId} revision {Revision} already handled")]
    private partial void LogDuplicate(Guid caseId, int revision);

    [LoggerMessage(LogLevel.Information, "Case {CaseId} revision {Revision} not received yet; publication pending")]
    private partial void LogPending(Guid caseId, int revision);
}
