using System.Text.Json.Serialization;

namespace DownstreamNotifier.Registry;

/// <summary>One JSON import row: a project and its contacts (imported together or not at all).</summary>
// A misspelt property is refused rather than its value dropped (a "contact" for "contacts" would import none).
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ImportProject(string? Name, string? Ecosystem, string? Homepage, List<Packages.ProjectPackage>? Packages, List<string>? Channels,
    List<ContactRequest>? Contacts)
{
    /// <summary>Read-only fields of a GET's answer (id, as GET /projects gives it): accepted and ignored, so that an answer can be sent back edited.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public System.Text.Json.JsonElement? Id { get; init; }
}

