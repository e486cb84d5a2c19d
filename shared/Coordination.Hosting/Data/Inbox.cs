using Dapper;
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
}
