namespace Coord.Config;

/// <summary>Where the four services are and which token to send; resolved from defaults, config file and environment.</summary>
public sealed record CoordSettings(
    string IntakeUrl,
    string EmbargoUrl,
    string NotifierUrl,
    string DisclosureUrl,
    string? Token,
    string ConfigPath,
    string TokenPath)
{
    public const string DefaultIntakeUrl = "http://127.0.0.1:35101";
    public const string DefaultEmbargoUrl = "http://127.0.0.1:35102";
    public const string DefaultNotifierUrl = "http://127.0.0.1:35103";
    public const string DefaultDisclosureUrl = "http://127.0.0.1:35104";
}
