using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coord.Output;

/// <summary>
/// Pretty-prints a JSON document with // comments: header lines on top, and each validation error (keyed by the
/// services' field paths, e.g. "affected[0].ranges[0].events[1]") on the line before the field it names. Errors for
/// fields not in the document (a required field left out) go below the header. Read back with comments skipped.
/// </summary>
public static class JsonAnnotator
{
    public static readonly JsonDocumentOptions ReadOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static string Write(JsonNode? root, IReadOnlyDictionary<string, string[]> errors, IEnumerable<string> header)
    {
        var body = new StringBuilder();
        var used = new HashSet<string>();
        WriteValue(root, "", 0, body, errors, used);
        body.AppendLine();

        var top = new StringBuilder();
        foreach (var line in header) top.Append("// ").AppendLine(line);
        foreach (var (field, messages) in errors)
            if (!used.Contains(field))
                foreach (var m in messages) top.Append("// ERROR ").Append(field.Length == 0 ? "(document)" : field).Append(": ").AppendLine(m);
        return top.Append(body).ToString();
    }

    public static JsonNode? Read(string text) => JsonNode.Parse(text, documentOptions: ReadOptions);

    private static void WriteValue(JsonNode? node, string path, int indent, StringBuilder sb, IReadOnlyDictionary<string, string[]> errors, HashSet<string> used)
    {
        switch (node)
        {
            case JsonObject o when o.Count > 0:
                sb.AppendLine("{");
                var i = 0;
                foreach (var (name, child) in o)
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    Errors(childPath, indent + 1, sb, errors, used);
                    sb.Append(Pad(indent + 1)).Append(JsonSerializer.Serialize(name)).Append(": ");
                    WriteValue(child, childPath, indent + 1, sb, errors, used);
                    sb.AppendLine(++i < o.Count ? "," : "");
                }
                sb.Append(Pad(indent)).Append('}');
                break;
            case JsonArray a when a.Count > 0:
                sb.AppendLine("[");
                for (var k = 0; k < a.Count; k++)
                {
                    var childPath = $"{path}[{k}]";
                    Errors(childPath, indent + 1, sb, errors, used);
                    sb.Append(Pad(indent + 1));
                    WriteValue(a[k], childPath, indent + 1, sb, errors, used);
                    sb.AppendLine(k + 1 < a.Count ? "," : "");
                }
                sb.Append(Pad(indent)).Append(']');
                break;
            case JsonObject:
                sb.Append("{}");
                break;
            case JsonArray:
                sb.Append("[]");
                break;
            case null:
                sb.Append("null");
                break;
            default:
                sb.Append(node.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
                break;
        }
    }

    private static void Errors(string path, int indent, StringBuilder sb, IReadOnlyDictionary<string, string[]> errors, HashSet<string> used)
    {
        if (!errors.TryGetValue(path, out var messages)) return;
        used.Add(path);
        foreach (var m in messages) sb.Append(Pad(indent)).Append("// ERROR ").Append(path).Append(": ").AppendLine(m);
    }

    private static string Pad(int indent) => new(' ', indent * 2);
}
