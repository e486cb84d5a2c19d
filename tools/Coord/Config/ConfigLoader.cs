using System.Text.Json;

namespace Coord.Config;

/// <summary>
/// Precedence, lowest first: built-in defaults (the ports ./run.sh uses), the config file ($COORD_CONFIG or
/// ~/.config/coord/config.json), the stored token file (next to the config file, written by `coord login`),
/// environment variables (COORD_INTAKE_URL, COORD_EMBARGO_URL, COORD_NOTIFIER_URL, COORD_DISCLOSURE_URL, COORD_TOKEN),
/// and last an explicit --token-file.
/// </summary>
public static class ConfigLoader
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static CoordSettings Load(IReadOnlyDictionary<string, string?> env, string? tokenFileOverride = null)
    {
        var configPath = ConfigPath(env);
        var tokenPath = Path.Combine(Path.GetDirectoryName(configPath)!, "token");
        var file = ReadConfig(configPath);

        string Pick(string envName, string? fromFile, string fileKey, string fallback) =>
            Get(env, envName) is { Length: > 0 } e ? ServiceUrl(e.Trim(), envName)
            : fromFile is { Length: > 0 } f ? ServiceUrl(f.Trim(), $"{fileKey} in {configPath}")
            : fallback;

        var token = file.Token;
        if (TokenFile.TryRead(tokenPath) is { } stored) token = stored;
        if (Get(env, "COORD_TOKEN") is { Length: > 0 } envToken) token = envToken.Trim();
        if (tokenFileOverride is not null)
            token = TokenFile.TryRead(tokenFileOverride) ?? throw new CoordConfigException($"cannot read a token from {tokenFileOverride}");

        return new CoordSettings(
            Pick("COORD_INTAKE_URL", file.IntakeUrl, "intakeUrl", CoordSettings.DefaultIntakeUrl),
            Pick("COORD_EMBARGO_URL", file.EmbargoUrl, "embargoUrl", CoordSettings.DefaultEmbargoUrl),
            Pick("COORD_NOTIFIER_URL", file.NotifierUrl, "notifierUrl", CoordSettings.DefaultNotifierUrl),
            Pick("COORD_DISCLOSURE_URL", file.DisclosureUrl, "disclosureUrl", CoordSettings.DefaultDisclosureUrl),
            token, configPath, tokenPath);
    }

    /// <summary>A service URL must be absolute http or https ("localhost:35101" is not: its scheme would be "localhost").</summary>
    private static string ServiceUrl(string value, string source)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new CoordConfigException($"{source}: '{value}' is not an http:// or https:// URL (e.g. http://127.0.0.1:35101)");
        return value.TrimEnd('/');
    }

    public static string ConfigPath(IReadOnlyDictionary<string, string?> env)
    {
        if (Get(env, "COORD_CONFIG") is { Length: > 0 } explicitPath) return Path.GetFullPath(explicitPath);
        var configHome = Get(env, "XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Get(env, "HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config");
        return Path.Combine(configHome, "coord", "config.json");
    }

    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value);

    private static ConfigFile ReadConfig(string path)
    {
        if (!File.Exists(path)) return new ConfigFile();
        try
        {
            return JsonSerializer.Deserialize<ConfigFile>(File.ReadAllText(path), Json) ?? new ConfigFile();
        }
        catch (JsonException e)
        {
            throw new CoordConfigException($"{path} is not valid JSON: {e.Message}");
        }
    }

    private static string? Get(IReadOnlyDictionary<string, string?> env, string name) => env.TryGetValue(name, out var v) ? v : null;
}
