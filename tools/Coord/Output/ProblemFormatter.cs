using System.Net;
using System.Text.Json.Nodes;

namespace Coord.Output;

/// <summary>
/// Turns a service's error answer into readable lines: one per problem, "field: rule" for every entry of an RFC 7807
/// "errors" dictionary, else "title: detail"; a body that is not problem details is summarised by its status.
/// </summary>
public static class ProblemFormatter
{
    public static IReadOnlyList<string> Lines(string service, HttpStatusCode status, string body)
    {
        var code = (int)status;
        JsonObject? problem = null;
        try { problem = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body) as JsonObject; }
        catch (System.Text.Json.JsonException) { }

        var lines = new List<string>();
        if (problem?["errors"] is JsonObject errors && errors.Count > 0)
        {
            foreach (var (field, messages) in errors)
            {
                var list = messages is JsonArray a ? a.Select(m => m?.ToString() ?? "") : [messages?.ToString() ?? ""];
                foreach (var m in list) lines.Add($"{service}: {Field(field)}: {m}");
            }
            return lines;
        }

        var title = problem?["title"]?.ToString();
        var detail = problem?["detail"]?.ToString();
        var text = (title, detail) switch
        {
            ({ Length: > 0 }, { Length: > 0 }) => $"{title}: {detail}",
            ({ Length: > 0 }, _) => title,
            (_, { Length: > 0 }) => detail,
            _ => Default(status),
        };
        if (status == HttpStatusCode.Unauthorized && !text.Contains("coord login", StringComparison.Ordinal)) text += LoginHint;
        lines.Add($"{service}: {code} {text}");
        return lines;
    }

    private const string LoginHint = " (run `coord login` or set COORD_TOKEN)";

    private static string Field(string field) => field.Length == 0 ? "(body)" : field;

    private static string Default(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "no valid token",
        HttpStatusCode.Forbidden => "your role may not do this",
        HttpStatusCode.NotFound => "not found",
        _ => status.ToString(),
    };
}
