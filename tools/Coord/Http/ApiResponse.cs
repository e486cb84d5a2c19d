using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Coord.Http;

/// <summary>A successful answer: the raw body (printed as is with --json) and its parsed form.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The service that answered, named in the error when the body is not JSON.</summary>
    public string Service { get; init; } = "service";

    public JsonNode? Json
    {
        get
        {
            if (string.IsNullOrWhiteSpace(Body)) return null;
            try { return JsonNode.Parse(Body); }
            catch (JsonException e) { throw new BadAnswerException(Service, Status, e.Message); }
        }
    }
}
