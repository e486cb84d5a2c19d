using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using Coordination.Advisories;

namespace DownstreamNotifier.Packages;

/// <summary>
/// A package URL (https://github.com/package-url/purl-spec) reduced to what matching needs: type, namespace
/// and name, normalised so that exactly the names the registry treats as one package give one key (PEP 503 for
/// PyPI). Version, qualifiers and subpath are parsed off and ignored: matching is version-agnostic.
/// </summary>
public sealed partial record PackageUrl(string Type, string? Namespace, string Name)
{
    /// <summary>The identity used for matching: "type/namespace/name".</summary>
    public string Key => $"{Type}/{Namespace}/{Name}";

    /// <summary>The canonical purl, each segment percent-encoded, so that parsing it gives the same key.</summary>
    public override string ToString() =>
        Namespace is null ? $"pkg:{Type}/{Encode(Name)}" : $"pkg:{Type}/{string.Join('/', Namespace.Split('/').Select(Encode))}/{Encode(Name)}";

    // "@", "/", "?", "#", "%", " " and the rest but letters, digits and "-._~:".
    private static string Encode(string segment) => PercentEncoding.EncodePurlComponent(segment);

    public static bool TryParse(string? text, [NotNullWhen(true)] out PackageUrl? purl, out string error)
    {
        purl = null;
        error = "";
        if (string.IsNullOrWhiteSpace(text)) { error = "is empty"; return false; }
        var s = text.Trim();
        if (!s.StartsWith("pkg:", StringComparison.OrdinalIgnoreCase)) { error = "must start with \"pkg:\""; return false; }
        s = s[4..].TrimStart('/');
        var hash = s.IndexOf('#');
        if (hash >= 0) s = s[..hash];
        var query = s.IndexOf('?');
        if (query >= 0) s = s[..query];
        var slash = s.IndexOf('/');
        if (slash <= 0) { error = "must have a type and a name (pkg:type/name)"; return false; }
        var type = s[..slash].ToLowerInvariant();
        if (!TypePattern().IsMatch(type)) { error = $"type \"{type}\" is not valid"; return false; }
        var rest = s[(slash + 1)..].Trim('/');
        var at = rest.LastIndexOf('@');
        if (at >= 0 && at > rest.LastIndexOf('/')) rest = rest[..at];
        if (rest.EndsWith('/')) { error = "must have a name (nothing is between the last '/' and the '@' of the version)"; return false; }
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(segment => PercentEncoding.TryDecode(segment, out var decoded) ? decoded : null).ToList();
        if (segments.Contains(null)) { error = "its percent-encoding is not valid: each '%' must be followed by two hex digits, and the bytes they give must be UTF-8"; return false; }
        if (segments.Count == 0 || string.IsNullOrWhiteSpace(segments[^1])) { error = "must have a name"; return false; }
        var name = segments[^1]!;
        var ns = segments.Count > 1 ? string.Join('/', segments.SkipLast(1)) : null;
        (ns, name) = Normalise(type, ns, name);
        purl = new PackageUrl(type, ns, name);
        return true;
    }

    public static PackageUrl Parse(string text) =>
        TryParse(text, out var p, out var error) ? p : throw new FormatException($"not a package URL: {error}");

    /// <summary>The purl of an OSV ecosystem + name (when an affected package comes without a purl).</summary>
    public static PackageUrl? FromEcosystem(string ecosystem, string name)
    {
        var osv = ecosystem.Split(':')[0].Trim().ToLowerInvariant();
        name = name.Trim();
        var type = osv switch
        {
            "pypi" => "pypi", "npm" => "npm", "crates.io" => "cargo", "go" => "golang", "maven" => "maven",
            "nuget" => "nuget", "rubygems" => "gem", "packagist" => "composer", "debian" or "ubuntu" => "deb", "hex" => "hex",
            "pub" => "pub", "swifturl" => "swift", "alpine" => "apk", "github actions" => "github",
            _ => null,
        };
        if (type is null || string.IsNullOrWhiteSpace(name)) return null;
        string? ns = null;
        var n = name;
        // A distribution's packages have the distribution as namespace: pkg:deb/ubuntu/openssl, pkg:apk/alpine/openssl.
        if (type is "deb" or "apk") ns = osv;
        else if (type == "maven" && name.Contains(':')) (ns, n) = (name[..name.IndexOf(':')].Trim(), name[(name.IndexOf(':') + 1)..].Trim());
        else if (name.Contains('/')) (ns, n) = (name[..name.LastIndexOf('/')], name[(name.LastIndexOf('/') + 1)..]);
        (ns, n) = Normalise(type, ns, n);
        // "golang.org/x/" or "group:" names no package: reported as unmatchable rather than matching nothing unsaid.
        return string.IsNullOrWhiteSpace(n) || ns is { Length: 0 } ? null : new PackageUrl(type, ns, n);
    }

    /// <summary>crates.io's canonical crate name: ASCII-lowercased, "-" read as "_" (it treats "Foo-Bar" and "foo_bar"
    /// as one crate). Only A-Z and "-" change, as in migration 0008's SQL, whatever the database's locale.</summary>
    public static string CrateName(string name) =>
        string.Create(name.Length, name, (chars, n) =>
        {
            for (var i = 0; i < n.Length; i++) chars[i] = n[i] switch { >= 'A' and <= 'Z' => (char)(n[i] + 32), '-' => '_', var c => c };
        });

    // Maven, RubyGems and Swift names are kept as written. npm names and Go module paths are case-sensitive upstream but
    // matched whatever the case, on purpose: a dependent told of a package it does not use shows in the recipients'
    // preview with the path that chose it, and a member can exclude it; a dependent missed shows nowhere. Go's case
    // variants are mostly one GitHub repository under two paths (Sirupsen/sirupsen), and npm has taken no new mixed-case
    // names since 2017. Keys stored so far are lowercased, so this keeps them matching too.
    private static (string? Namespace, string Name) Normalise(string type, string? ns, string name) => type switch
    {
        "pypi" => (ns?.ToLowerInvariant(), Pep503.Normalize(name)),
        "cargo" => (ns is null ? null : CrateName(ns), CrateName(name)),
        // NuGet package ids are case-insensitive (nuget.org treats "Newtonsoft.Json" and "newtonsoft.json" as one).
        // alpm, oci and bitnami names are case-insensitive in the purl spec's type definitions (an oci or bitnami purl has
        // no namespace; alpm's, the distribution, is case-insensitive too).
        "deb" or "apk" or "rpm" or "github" or "bitbucket" or "gitlab" or "composer" or "golang" or "hex" or "npm" or "nuget" or "pub"
            or "alpm" or "oci" or "bitnami"
            => (ns?.ToLowerInvariant(), name.ToLowerInvariant()),
        _ => (ns, name),
    };

    [GeneratedRegex("^[a-z.+-][a-z0-9.+-]*\\z")]
    private static partial Regex TypePattern();
}
