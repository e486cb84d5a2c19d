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
        string purl = "", relation = PackageRelation.Depends;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString();
            reader.Read();
            if (string.Equals(name, "purl", StringComparison.OrdinalIgnoreCase)) purl = reader.GetString() ?? "";
            else if (string.Equals(name, "relation", StringComparison.OrdinalIgnoreCase)) relation = reader.GetString() ?? PackageRelation.Depends;
            else reader.Skip();
        }
        return new ProjectPackage(purl, relation);
    }

    public override void Write(Utf8JsonWriter writer, ProjectPackage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("purl", value.Purl);
        writer.WriteString("relation", value.Relation);
        writer.WriteEndObject();
    }
}
