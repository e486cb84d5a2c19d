using System.Text.Json;
using Dapper;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// Transactional outbox. A change and the messages announcing it are written in one transaction;
/// <see cref="OutboxDispatcher"/> publishes them after commit. No event for a row that does not exist,
/// no row whose event is lost.
/// </summary>
public static class Outbox
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private const string InsertSql = """
        INSERT INTO outbox_messages (message_id, message_type, destination, body)
        VALUES (@MessageId, @MessageType, @Destination, @Body::jsonb);
        SELECT pg_notify('coordination_outbox', current_schema());
        """;

    /// <summary>Publish the event once the transaction commits.</summary>
    public static Task PublishAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, T message, Guid? messageId = null) where T : class =>
        Write(conn, tx, message, null, messageId);

    /// <summary>Send the command to an address such as Queues.Address(...) ("exchange:…"; a "queue:" address would declare a classic queue, which the broker refuses beside the owner's quorum queue) once the transaction commits.</summary>
    public static Task SendAsync<T>(NpgsqlConnection conn, NpgsqlTransaction tx, string destination, T message, Guid? messageId = null) where T : class =>
        Write(conn, tx, message, destination, messageId);

    private static Task Write<T>(NpgsqlConnection conn, NpgsqlTransaction tx, T message, string? destination, Guid? messageId) where T : class =>
        conn.ExecuteAsync(InsertSql, new
        {
            MessageId = messageId ?? Guid.NewGuid(),
            MessageType = typeof(T).AssemblyQualifiedName,
            Destination = destination,
            Body = JsonSerializer.Serialize(message, Json),
        }, tx);
}
