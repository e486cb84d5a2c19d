using System.Text.Json.Serialization;
using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Registry;

// A misspelt property is refused rather than its value dropped (a "channel" for "channels" would drop encryption).
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ProjectRequest(string? Name, string? Ecosystem, string? Homepage, List<ProjectPackage>? Packages, List<string>? Channels);
