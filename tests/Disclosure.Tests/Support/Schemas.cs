using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Disclosure.Tests.Support;

/// <summary>
/// The vendored official schemas (Schemas/README.md), built once with JsonSchema.Net. The FIRST CVSS schemas are
/// registered under the URLs the CSAF schema's $refs name, so nothing is fetched.
/// </summary>
public static class Schemas
{
    private static readonly Lazy<(JsonSchema Osv, JsonSchema Cve, JsonSchema Csaf)> Built = new(Build);

    public static JsonSchema Osv => Built.Value.Osv;
    public static JsonSchema Cve => Built.Value.Cve;
    public static JsonSchema Csaf => Built.Value.Csaf;

    /// <summary>cvss-v3.1.json on its own (draft-07), for checking a CSAF cvss_v3 object directly.</summary>
    public static JsonSchema Cvss31 => Cvss31Schema.Value;

    private static readonly Lazy<JsonSchema> Cvss31Schema = new(() =>
        Load("cvss-v3.1.json", new BuildOptions { SchemaRegistry = new SchemaRegistry(), Dialect = Dialect.Draft07 }));

    public static string Read(string file) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", file));

    /// <summary>The errors (instance location: message), empty when the instance is valid.</summary>
    public static IReadOnlyList<string> Errors(JsonSchema schema, JsonNode instance) => Errors(schema, instance.ToJsonString());

    public static IReadOnlyList<string> Errors(JsonSchema schema, string json)
    {
        using var doc = JsonDocument.Parse(json);
        var result = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (result.IsValid) return [];
        return (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}"))
            .DefaultIfEmpty("invalid").ToList();
    }

    private static (JsonSchema, JsonSchema, JsonSchema) Build()
    {
        var registry = new SchemaRegistry();
        // JsonSchema.Net has no draft-04 dialect; the cvss-v2.0/v3.0 schemas (and the CVE bundle's cvssV2_0) declare it.
        // Their keywords are a subset of draft-06's (no boolean exclusiveMinimum/Maximum), and their draft-04 "id" only
        // names them, so draft-06 rules with unknown keywords allowed evaluate them as draft-04 would.
        var dialects = new DialectRegistry();
        var draft04 = Dialect.Draft06.With([], new Uri("http://json-schema.org/draft-04/schema#"), allowUnknownKeywords: true);
        dialects.Register(draft04);
        var options = new BuildOptions { SchemaRegistry = registry, DialectRegistry = dialects };
        foreach (var file in new[] { "cvss-v2.0.json", "cvss-v3.0.json", "cvss-v3.1.json" })
        {
            var uri = new Uri("https://www.first.org/cvss/" + file);
            registry.Register(uri, Load(file, With(options, file == "cvss-v3.1.json" ? Dialect.Draft07 : draft04), uri));
        }
        var osv = Load("osv-schema.json", With(options, Dialect.Draft202012));
        var cve = Load("cve-record-format-bundled.json", With(options, Dialect.Draft07));
        var csaf = Load("csaf-2.0-schema.json", With(options, Dialect.Draft202012));
        return (osv, cve, csaf);
    }

    private static JsonSchema Load(string file, BuildOptions options, Uri? uri = null)
    {
        try { return JsonSchema.FromText(Read(file), options, uri); }
        catch (JsonSchemaException e) { throw new InvalidOperationException($"{file}: {e.Message}", e); }
    }

    // The dialect each file's $schema names (JsonSchema.Net builds with BuildOptions.Dialect).
    private static BuildOptions With(BuildOptions o, Dialect dialect) =>
        new() { SchemaRegistry = o.SchemaRegistry, DialectRegistry = o.DialectRegistry, Dialect = dialect };
}
