using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Registry;

public sealed record ProjectRequest(string? Name, string? Ecosystem, string? Homepage, List<ProjectPackage>? Packages, List<string>? Channels);
