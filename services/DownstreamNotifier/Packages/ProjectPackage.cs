using System.Text.Json;
using System.Text.Json.Serialization;

namespace DownstreamNotifier.Packages;

/// <summary>A package a project depends on or ships. In JSON either a bare purl string (depends) or {purl, relation}.</summary>
[JsonConverter(typeof(ProjectPackageConverter))]
public sealed record ProjectPackage(string Purl, string Relation = PackageRelation.Depends);

internal sealed class ProjectPackageConverter : JsonConverter<ProjectPackage>
{
    public override ProjectPackage? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new ProjectPackage(reader.GetString() ?? "");
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a package is a purl string or {purl, relation}");
        string? purl = null, relation = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            // A property given twice is refused as the services' JSON options refuse it elsewhere (StrictJson): the
            // last silently winning would make {"purl": "pkg:pypi/a", "purl": "pkg:pypi/b"} a dependency on b alone.
            if (string.Equals(name, "purl", StringComparison.OrdinalIgnoreCase))
                purl = purl is null ? reader.GetString() ?? "" : throw Duplicate(name!);
            else if (string.Equals(name, "relation", StringComparison.OrdinalIgnoreCase))
                relation = relation is null ? reader.GetString() ?? PackageRelation.Depends : throw Duplicate(name!);
            else throw Unknown(name!);
        }
        return new ProjectPackage(purl ?? "", relation ?? PackageRelation.Depends);
    }

    // Worded as System.Text.Json's own refusals, which StrictJson.IsDuplicateProperty and IsUnknownProperty recognise.
    private static JsonException Duplicate(string name) => new($"Duplicate property '{name}' encountered during deserialization.");

    // A misspelt "relation" would otherwise make a shipped package a dependency without a word.
    private static JsonException Unknown(string name) => new($"The JSON property '{name}' could not be mapped to any .NET member contained in type 'ProjectPackage'.");

    public override void Write(Utf8JsonWriter writer, ProjectPackage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("purl", value.Purl);
        writer.WriteString("relation", value.Relation);
        writer.WriteEndObject();
    }
}
