using System.Text.Encodings.Web;
using System.Text.Json;

namespace Disclosure.Rendering;

/// <summary>
/// How records are written: indented, and without escaping characters JSON does not require escaped (an apostrophe
/// stays an apostrophe). Records are served as JSON documents, never embedded in HTML.
/// </summary>
public static class RecordJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
