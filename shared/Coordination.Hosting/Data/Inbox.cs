using Dapper;
using MassTransit;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>Idempotent consumers: record a message id in the same transaction as its effect.</summary>
public static class Inbox
{
    private const string MarkSql = """
        INSERT INTO processed_messages (consumer, message_id) VALUES (@Consumer, @MessageId)
        ON CONFLICT DO NOTHING
        """;

    /// <returns>false when this consumer already processed the message (commit nothing new then).</returns>
    public static async Task<bool> TryMarkProcessedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string consumer, Guid messageId) =>
        await conn.ExecuteAsync(MarkSql, new { Consumer = consumer, MessageId = messageId }, tx) == 1;

    /// <summary>
    /// Runs a consumer's effect in one transaction with the message's id recorded, so a redelivered message changes
    /// nothing. A message without an id is always processed.
    /// </summary>
    /// <returns>false when this consumer had already processed the message (the effect did not run).</returns>
    public static async Task<bool> ProcessOnceAsync(NpgsqlDataSource dataSource, ConsumeContext context, string consumer,
        Func<NpgsqlConnection, NpgsqlTransaction, Task> effect)
    {
        var ct = context.CancellationToken;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await TryMarkProcessedAsync(conn, tx, consumer, context.MessageId ?? NewId.NextGuid())) return false;
        await effect(conn, tx);
        await tx.CommitAsync(ct);
        return true;
    }
}
