using System.Net;
using System.Text.Json.Nodes;

namespace Coord.Http;

/// <summary>A successful answer: the raw body (printed as is with --json) and its parsed form.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonNode? Json => string.IsNullOrWhiteSpace(Body) ? null : JsonNode.Parse(Body);
}
