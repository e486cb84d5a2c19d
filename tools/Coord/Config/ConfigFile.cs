namespace Coord.Config;

/// <summary>The JSON config file (~/.config/coord/config.json). Every member optional.</summary>
public sealed record ConfigFile(string? IntakeUrl = null, string? EmbargoUrl = null, string? NotifierUrl = null, string? DisclosureUrl = null,
    string? Token = null);
