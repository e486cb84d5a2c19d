using System.Text.Json;
using System.Text.Json.Serialization;

namespace Coordination.Hosting.Http;

/// <summary>
/// How request bodies are read: a number must be a JSON number (the web defaults also took <c>"revision": "1"</c>),
/// and a property given twice, in any letter case, is refused rather than the last one silently winning: a proxy or
/// client that reads the first would otherwise see a different request than the service acts on.
/// </summary>
public static class StrictJson
{
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
        return options;
    }

    /// <summary>Whether System.Text.Json refused the body for a property it met twice (its messages are not localised).</summary>
    public static bool IsDuplicateProperty(JsonException e) => e.Message.StartsWith("Duplicate propert", StringComparison.Ordinal);

    /// <summary>Whether System.Text.Json refused a property the type does not have (a type marked
    /// <c>[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]</c>).</summary>
    public static bool IsUnknownProperty(JsonException e) =>
        e.Message.StartsWith("The JSON property '", StringComparison.Ordinal) && e.Message.Contains("could not be mapped", StringComparison.Ordinal);

    public const string UnknownPropertyRule = "is not a property this accepts: check its spelling";
}
