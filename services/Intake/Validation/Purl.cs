using System.Text.RegularExpressions;

namespace Intake.Validation;

/// <summary>
/// A package URL (https://github.com/package-url/purl-spec): pkg:type/namespace/name@version?qualifiers#subpath.
/// Components are percent-decoded. Kept free of intake types so the notifier can reuse it.
/// </summary>
public sealed partial record Purl(string Type, string? Namespace, string Name, string? Version,
    IReadOnlyDictionary<string, string> Qualifiers, string? Subpath)
{
    public static bool TryParse(string? text, out Purl? purl, out string error)
    {
        purl = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "is required"; return false; }
        if (text.Any(char.IsWhiteSpace)) { error = "must not contain whitespace"; return false; }
        if (!text.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase)) { error = "must start with 'pkg:'"; return false; }
        var rest = text[4..].TrimStart('/');

        string? subpath = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0) { subpath = rest[(hash + 1)..].Trim('/'); rest = rest[..hash]; }

        var qualifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = rest.IndexOf('?');
        if (query >= 0)
        {
            foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=');
                if (eq <= 0) { error = $"qualifier '{pair}' must be key=value"; return false; }
                var key = pair[..eq].ToLowerInvariant();
                if (!QualifierKey().IsMatch(key)) { error = $"qualifier key '{key}' is not valid"; return false; }
                if (!qualifiers.TryAdd(key, Decode(pair[(eq + 1)..]))) { error = $"qualifier '{key}' appears twice"; return false; }
            }
            rest = rest[..query];
        }

        var slash = rest.IndexOf('/');
        if (slash <= 0) { error = "must have a type and a name (pkg:type/name)"; return false; }
        var type = rest[..slash].ToLowerInvariant();
        if (!TypePattern().IsMatch(type)) { error = $"type '{type}' is not valid"; return false; }
        rest = rest[(slash + 1)..].TrimEnd('/');

        string? version = null;
        var at = rest.LastIndexOf('@');
        if (at >= 0 && rest.LastIndexOf('/') < at) { version = Decode(rest[(at + 1)..]); rest = rest[..at]; }
        if (version is { Length: 0 }) { error = "version after '@' is empty"; return false; }

        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) { error = "has no name"; return false; }
        var name = Decode(segments[^1]);
        if (name.Length == 0) { error = "has no name"; return false; }
        var ns = segments.Length > 1 ? string.Join('/', segments[..^1].Select(Decode)) : null;
        purl = new Purl(type, ns, name, version, qualifiers, subpath);
        return true;
    }

    private static string Decode(string s) => Uri.UnescapeDataString(s);

    [GeneratedRegex("^[a-z.+-][a-z0-9.+-]*$")]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[a-z.\\-_][a-z0-9.\\-_]*$")]
    private static partial Regex QualifierKey();
}
