using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Registry;

public sealed record ProjectResponse(Guid Id, string Name, string? Ecosystem, string? Homepage, IReadOnlyList<ProjectPackage> Packages, IReadOnlyList<string> Channels);
