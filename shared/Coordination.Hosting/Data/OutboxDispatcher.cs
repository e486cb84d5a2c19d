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
/// </summary>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource dataSource,
    IBus bus,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private const string ClaimSql = """
        SELECT id, message_id AS MessageId, message_type AS MessageType, destination, body::text AS Body
        FROM outbox_messages ORDER BY id LIMIT 200 FOR UPDATE SKIP LOCKED
        """;

    private const string DeleteSql = "DELETE FROM outbox_messages WHERE id = ANY(@Ids)";

    private readonly SemaphoreSlim wake = new(0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = ListenAsync(stoppingToken);
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
            try { await wake.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    public async Task<int> DispatchBatchAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var rows = (await conn.QueryAsync<Row>(new CommandDefinition(ClaimSql, transaction: tx, cancellationToken: ct))).ToList();
        if (rows.Count == 0) return 0;
        foreach (var row in rows)
        {
            var type = Type.GetType(row.MessageType, throwOnError: true)!;
            var message = JsonSerializer.Deserialize(row.Body, type, Outbox.Json)!;
            if (row.Destination is null)
                await bus.Publish(message, type, ctx => ctx.MessageId = row.MessageId, ct);
            else
            {
                var endpoint = await bus.GetSendEndpoint(new Uri(row.Destination));
                await endpoint.Send(message, type, ctx => ctx.MessageId = row.MessageId, ct);
            }
        }
        await conn.ExecuteAsync(DeleteSql, new { Ids = rows.Select(r => r.Id).ToArray() }, tx);
        await tx.CommitAsync(ct);
        return rows.Count;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox LISTEN connection failed ({ErrorType}); reconnecting")]
    private partial void LogListenFailed(string errorType);
}
