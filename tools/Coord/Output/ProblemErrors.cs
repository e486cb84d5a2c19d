using System.Text.Json.Nodes;

namespace Coord.Output;

/// <summary>The "errors" dictionary of a validation problem, if the body is one.</summary>
public static class ProblemErrors
{
    public static IReadOnlyDictionary<string, string[]>? From(string body)
    {
        try
        {
            if (JsonNode.Parse(body)?["errors"] is not JsonObject errors) return null;
            return errors.ToDictionary(e => e.Key, e => e.Value is JsonArray a ? a.Select(m => m?.ToString() ?? "").ToArray() : [e.Value?.ToString() ?? ""]);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
