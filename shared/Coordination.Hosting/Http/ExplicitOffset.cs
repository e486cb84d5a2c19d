using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Hosting.Http;

/// <summary>
/// Instants the HTTP APIs take must carry their UTC offset ("Z" or "+02:00"). Without one, .NET reads a timestamp in
/// the server's local time zone, so the same request would name another disclosure instant on a server not in UTC.
/// </summary>
public static class ExplicitOffset
{
    public const string Rule = "must be an ISO 8601 instant with its UTC offset, e.g. 2026-12-01T14:00:00Z";

    /// <summary>For query and route values, read as request bodies' instants are (ISO 8601 only): false for text
    /// that is no such instant or has no offset ("01-Oct-2026" has a 't' and a '-', and would read in local time).</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || !HasOffset(text)) return false;
        var reader = new Utf8JsonReader(JsonSerializer.SerializeToUtf8Bytes(text));
        return reader.Read() && reader.TryGetDateTimeOffset(out value);
    }

    /// <summary>Whether the time part (after the 'T') ends in Z or holds a signed offset.</summary>
    public static bool HasOffset(ReadOnlySpan<char> text)
    {
        var t = text.IndexOfAny('T', 't');
        if (t < 0) return false;
        var time = text[(t + 1)..].Trim();
        return time.EndsWith('Z') || time.EndsWith('z') || time.IndexOfAny('+', '-') >= 0;
    }
}

/// <summary>Thrown by <see cref="ExplicitOffsetConverter"/>; the bad-request handler answers it with <see cref="ExplicitOffset.Rule"/>.</summary>
public sealed class OffsetRequiredException() : JsonException(ExplicitOffset.Rule);

/// <summary>Reads DateTimeOffset (and DateTimeOffset?) in request bodies only with an explicit offset; writes as before.</summary>
public sealed class ExplicitOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTimeOffset(out var value)) throw new JsonException();
        if (!ExplicitOffset.HasOffset(reader.GetString())) throw new OffsetRequiredException();
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}
