using System.Text.Json.Serialization;

namespace DownstreamNotifier.Registry;

/// <summary>TimeZone: an IANA zone ("Europe/Berlin") or a fixed offset ("+02:00"), optional.</summary>
// A misspelt property ("public_key") is refused rather than its value dropped: the contact would get plain mail.
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ContactRequest(string? Name, string? Email, string? Role, string? PublicKey, string? TimeZone)
{
    /// <summary>Read-only fields of a GET's answer (id, projectId, key): accepted and ignored, so that an answer can be sent back edited.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? Id { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? ProjectId { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? Key { get; init; }
}

