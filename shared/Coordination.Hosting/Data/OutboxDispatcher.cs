using System.Text.Json;
using Dapper;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// Drains outbox_messages: claims a batch FOR UPDATE SKIP LOCKED (so several instances are safe),
/// publishes or sends each with its recorded message id, deletes them, commits. Woken by NOTIFY, and polls
/// once a second in case a notification was missed. A crash between publish and commit republishes with
/// the same message id, which idempotent consumers ignore. One instance sends a batch in id order, but
/// several instances draining at once interleave their batches, so no consumer may depend on the order.
/// A row that cannot be made into a message (its type, body or destination no longer reads) is set aside
/// (failed_at, error) so the rows behind it still go; it is offered again when an instance starts, since a
/// newer version may read it, and <see cref="SetAsideRetry"/> after it was set aside. A command the broker returns (its destination queue does not exist yet: that service
/// has never started on this broker) waits <see cref="UnroutableRetry"/> and goes again, without holding back the rows
/// behind it. Any other failure to publish (the broker gone, a message it refuses) ends the batch there: the rows
/// published before it are deleted as usual (not published again with the batch), it waits <see cref="PublishRetry"/>,
/// and the rows behind it go in the next batch, so one row that always fails cannot hold back or repeat the others.
/// </summary>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const string ClaimSql = """
        SELECT id, message_id AS MessageId, message_type AS MessageType, destination, body::text AS Body
        FROM outbox_messages
        WHERE (failed_at IS NULL OR failed_at <= now() - @SetAsideRetry) AND (retry_at IS NULL OR retry_at <= now())
        ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED
        """;

    // clock_timestamp, not now(): the transaction may have begun a long batch ago.
    private const string RetryLaterSql = "UPDATE outbox_messages SET retry_at = clock_timestamp() + @Delay, error = @Error WHERE id = @Id";

    /// <summary>How long a command whose destination queue does not exist waits before it goes again.</summary>
    public static readonly TimeSpan UnroutableRetry = TimeSpan.FromSeconds(5);

    /// <summary>How long a row whose publish failed otherwise waits before it goes again.</summary>
    public static readonly TimeSpan PublishRetry = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a set-aside row waits before it is tried again (besides when an instance starts): in a rolling
    /// deployment an instance of the old version can set aside a new version's row after the new ones started.
    /// </summary>
    public static readonly TimeSpan SetAsideRetry = TimeSpan.FromMinutes(5);

    private const string SetAsideSql = "UPDATE outbox_messages SET failed_at = now(), error = @Error WHERE id = @Id";

    private const string OfferAgainSql = "UPDATE outbox_messages SET failed_at = NULL, error = NULL WHERE failed_at IS NOT NULL";

    private const string DeleteSql = "DELETE FROM outbox_messages WHERE id = ANY(@Ids)";

    private readonly SemaphoreSlim wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
        try { await OfferSetAsideAgainAsync(stoppingToken); }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested) { LogDispatchFailed(e.GetType().Name); }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchBatchAsync(stoppingToken) > 0) { }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogDispatchFailed(e.GetType().Name);
            }
            try
            {
                await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                // One wake-up is enough for any number of notifications (a fan-out inserts thousands of rows, and
                // every service's dispatcher hears each): the batches that follow read every row committed so far.
                while (wake.Wait(0)) { }
            }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(ClaimSql, new { SetAsideRetry }, tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return 0;
        var sent = new List<long>(rows.Count);
        var publishFailed = false;
        foreach (var row in rows)
        {
            Type type;
            object message;
            ISendEndpoint? endpoint;
            try
            {
                type = Type.GetType(row.MessageType, throwOnError: true)!;
                message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json) ?? throw new JsonException("the body is null");
                endpoint = row.Destination is null ? null : await bus.GetSendEndpoint(new Uri(row.Destination));
            }
            catch (Exception e) when (e is TypeLoadException or IOException or BadImageFormatException or JsonException
                                          or NotSupportedException or UriFormatException or ArgumentException)
            {
                // Only the type of the error is logged: a message may carry embargoed content. The column
                // sits next to the body and may say more.
                LogSetAside(row.Id, e.GetType().Name);
                await conn.ExecuteAsync(SetAsideSql, new { row.Id, Error = $"{e.GetType().Name}: {e.Message}" }, tx);
                continue;
            }
            try
            {
                if (endpoint is null) await bus.Publish(message, type, ctx => ctx.MessageId = row.MessageId, ct);
                else await endpoint.Send(message, type, ctx => ctx.MessageId = row.MessageId, ct);
            }
            catch (MessageReturnedException) when (endpoint is not null)
            {
                LogUnroutable(row.Id, row.Destination!);
                await conn.ExecuteAsync(RetryLaterSql, new { row.Id, Delay = UnroutableRetry, Error = $"no queue bound to {row.Destination}" }, tx);
                continue;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // The type only, in the log and the column: the exception's message may quote the message.
                LogPublishFailed(row.Id, e.GetType().Name);
                await conn.ExecuteAsync(RetryLaterSql, new { row.Id, Delay = PublishRetry, Error = $"{e.GetType().Name} (publishing)" }, tx);
                publishFailed = true;
                break;
            }
            sent.Add(row.Id);
        }
        await conn.ExecuteAsync(DeleteSql, new { Ids = sent.ToArray() }, tx);
        await tx.CommitAsync(ct);
        return publishFailed ? 0 : rows.Count; // after a failure, the next batch waits for a wake-up or the next poll
    }

    /// <summary>Makes every set-aside row claimable again (done at start: this version may read it).</summary>
    public async Task<int> OfferSetAsideAgainAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(OfferAgainSql, cancellationToken: ct));
    }

    private async Task ListenAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(ct);
                conn.Notification += (_, _) => wake.Release();
                await conn.ExecuteAsync("LISTEN coordination_outbox");
                while (!ct.IsCancellationRequested) await conn.WaitAsync(ct);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                LogListenFailed(e.GetType().Name);
                try { await Task.Delay(TimeSpan.FromSeconds(1), ct); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private sealed record Row(long Id, Guid MessageId, string MessageType, string? Destination, string Body);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox dispatch failed ({ErrorType}); retrying")]
    private partial void LogDispatchFailed(string errorType);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox row {RowId} cannot be made into a message ({ErrorType}); set aside, the rows after it go on")]
    private partial void LogSetAside(long rowId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {RowId}: the broker returned the command, no queue is bound to {Destination} (has that service ever started on this broker?); trying again shortly")]
    private partial void LogUnroutable(long rowId, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {RowId} could not be published ({ErrorType}); the rows published before it are done, it goes again shortly, the rows after it next")]
    private partial void LogPublishFailed(long rowId, string errorType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox LISTEN connection failed ({ErrorType}); reconnecting")]
    private partial void LogListenFailed(string errorType);
}
