namespace DownstreamNotifier.Registry;

/// <summary>One JSON import row: a project and its contacts (imported together or not at all).</summary>
public sealed record ImportProject(string? Name, string? Ecosystem, string? Homepage, List<Packages.ProjectPackage>? Packages, List<string>? Channels,
    List<ContactRequest>? Contacts);
