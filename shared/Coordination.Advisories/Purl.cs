using System.Text;
using System.Text.RegularExpressions;

namespace Coordination.Advisories;

/// <summary>
/// A package URL (https://github.com/package-url/purl-spec): pkg:type/namespace/name@version?qualifiers#subpath.
/// Components are percent-decoded; <see cref="ToString"/> writes the canonical text.
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
        if (!PercentEncoding.TryDecode(text, out _)) { error = "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8"; return false; }
        var rest = text[4..].TrimStart('/');

        string? subpath = null;
        var hash = rest.IndexOf('#');
        if (hash >= 0) { subpath = string.Join('/', rest[(hash + 1)..].Trim('/').Split('/').Select(Decode)); rest = rest[..hash]; }

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

    /// <summary>
    /// The canonical text, so a version can be added as a component instead of appended to someone's text:
    /// pkg:type/namespace/name@version?qualifiers#subpath, each component percent-encoded except letters, digits,
    /// '.', '-', '_', '~' and ':'; qualifiers sorted by key, empty ones left out; no empty, '.' or '..' subpath segment.
    /// </summary>
    public override string ToString()
    {
        var b = new StringBuilder("pkg:").Append(Type).Append('/');
        foreach (var segment in (Namespace ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries)) b.Append(Encode(segment)).Append('/');
        b.Append(Encode(Name));
        if (Version is not null) b.Append('@').Append(Encode(Version));
        var qualifiers = Qualifiers.Where(q => q.Value.Length > 0).OrderBy(q => q.Key, StringComparer.Ordinal).ToList();
        if (qualifiers.Count > 0) b.Append('?').AppendJoin('&', qualifiers.Select(q => q.Key + "=" + Encode(q.Value)));
        var subpath = (Subpath ?? "").Split('/').Where(s => s is not ("" or "." or "..")).ToList();
        if (subpath.Count > 0) b.Append('#').AppendJoin('/', subpath.Select(Encode));
        return b.ToString();
    }

    // Valid throughout once TryParse checked the whole text.
    private static string Decode(string s) => Uri.UnescapeDataString(s);

    private static string Encode(string s) => PercentEncoding.EncodePurlComponent(s);

    [GeneratedRegex("^[a-z.+-][a-z0-9.+-]*\\z")]
    private static partial Regex TypePattern();

    [GeneratedRegex("^[a-z.\\-_][a-z0-9.\\-_]*\\z")]
    private static partial Regex QualifierKey();
}
