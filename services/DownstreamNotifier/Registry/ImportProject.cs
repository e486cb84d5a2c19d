using System.Text.Json.Serialization;

namespace DownstreamNotifier.Registry;

/// <summary>One JSON import row: a project and its contacts (imported together or not at all).</summary>
// A misspelt property is refused rather than its value dropped (a "contact" for "contacts" would import none).
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ImportProject(string? Name, string? Ecosystem, string? Homepage, List<Packages.ProjectPackage>? Packages, List<string>? Channels,
    List<ContactRequest>? Contacts);
