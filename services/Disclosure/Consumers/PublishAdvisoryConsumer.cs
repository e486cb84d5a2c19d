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
        await using var conn = await dataSource.OpenConnectionAsync(context.CancellationToken);
        await using var tx = await conn.BeginTransactionAsync(context.CancellationToken);
        if (!await Inbox.TryMarkProcessedAsync(conn, tx, nameof(PublishAdvisoryConsumer), context.MessageId ?? NewId.NextGuid()))
        {
            LogDuplicate(m.CaseId, m.Revision);
            return;
        }
        await DraftStore.LockCaseAsync(conn, tx, m.CaseId);
        if (await DraftStore.GetAsync(conn, tx, m.CaseId, m.Revision) is { } draft)
            await publisher.PublishAsync(conn, tx, m.CaseId, m.Revision, draft);
        else
        {
            await DraftStore.AddPendingAsync(conn, tx, m.CaseId, m.Revision);
            LogPending(m.CaseId, m.Revision);
        }
        await tx.CommitAsync(context.CancellationToken);
    }

    [LoggerMessage(LogLevel.Information, "PublishAdvisory for case {CaseId} revision {Revision} already handled")]
    private partial void LogDuplicate(Guid caseId, int revision);

    [LoggerMessage(LogLevel.Information, "Case {CaseId} revision {Revision} not received yet; publication pending")]
    private partial void LogPending(Guid caseId, int revision);
}
