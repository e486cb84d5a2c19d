using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Disclosure.Data;
using Disclosure.Publishing;
using MassTransit;
using Npgsql;

namespace Disclosure.Consumers;

/// <summary>
/// Publishes the newest draft revision received at or after the named one, exactly once: the message id, the case
/// lock and the (case, revision) uniqueness all sit in the publication's transaction. (A later revision stored before
/// this message is handled is what is newest at the instant; publishing the named one would leave it unpublished.)
/// When none has arrived yet, the publication is recorded as pending and <see cref="AdvisoryDraftUpdatedConsumer"/>
/// publishes the first revision at or after it when it arrives.
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
            if (await DraftStore.GetNewestAsync(conn, tx, m.CaseId, atLeast: m.Revision) is { } newest)
                await publisher.PublishAsync(conn, tx, m.CaseId, newest.Revision, newest.Draft);
            else
            {
                await DraftStore.AddPendingAsync(conn, tx, m.CaseId, m.Revision);
                // Usually the draft is on its way; but one published before this service's queue existed never comes.
                await Outbox.SendAsync(conn, tx, Queues.Address(Queues.Intake).ToString(), new ResendDraft(m.CaseId, m.Revision));
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
