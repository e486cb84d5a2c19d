using System.Net.Http.Json;
using System.Text.Json;

namespace Intake.Tests.Support;

public static class Http
{
    public static async Task<JsonElement> Json(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(string.IsNullOrEmpty(text) ? "null" : text).RootElement.Clone();
    }

    public static Task<HttpResponseMessage> Post(this HttpClient http, string url, object body) => http.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> Put(this HttpClient http, string url, object body) => http.PutAsJsonAsync(url, body);

    /// <summary>The validation problem's errors keys (field names).</summary>
    public static async Task<IReadOnlyList<string>> ErrorFields(this HttpResponseMessage response)
    {
        var json = await response.Json();
        return json.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(p => p.Name).ToList() : [];
    }
}
