using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;

namespace EmbargoScheduler.Scheduling;

/// <summary>
/// A scheduled message as stored: everything needed to forward it exactly as it was sent. Priority orders messages
/// due at the same instant (0 first): the saga's own timers get 1, messages for other services 0.
/// </summary>
public sealed record ScheduledMessageRecord(
    Guid TokenId,
    string Destination,
    DateTimeOffset DueAt,
    string MessageTypes,
    string ContentType,
    string Body,
    string? Headers,
    Guid? MessageId,
    Guid? CorrelationId,
    Guid? ConversationId,
    Guid? InitiatorId,
    string? SourceAddress,
    short Priority = 0)
{
    /// <summary>The headers column: a JSON list of key/value pairs, null when there are none.</summary>
    public static string? SerializeHeaders(Headers headers)
    {
        var all = headers.GetAll().ToList();
        return all.Count > 0 ? JsonSerializer.Serialize(all, SystemTextJsonMessageSerializer.Options) : null;
    }

    public IEnumerable<KeyValuePair<string, object>> StoredHeaders() =>
        Headers is null ? [] : JsonSerializer.Deserialize<List<KeyValuePair<string, object>>>(Headers, SystemTextJsonMessageSerializer.Options) ?? [];
}
