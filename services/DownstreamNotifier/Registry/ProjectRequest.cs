using System.Text.Json.Serialization;
using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Registry;

// A misspelt property is refused rather than its value dropped (a "channel" for "channels" would drop encryption).
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ProjectRequest(string? Name, string? Ecosystem, string? Homepage, List<ProjectPackage>? Packages, List<string>? Channels)
{
    /// <summary>Read-only fields of a GET's answer (id): accepted and ignored, so that an answer can be sent back edited.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? Id { get; init; }
}

