using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Registry;

/// <summary>A project request that passed validation, with each package's matching key.</summary>
public sealed record ValidProject(string Name, string? Ecosystem, string? Homepage, IReadOnlyList<(ProjectPackage Package, string Key)> Packages, string[] Channels);
