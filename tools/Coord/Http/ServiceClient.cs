using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Coord.Http;

/// <summary>One service's HTTP API with the member token; any non-2xx answer becomes an <see cref="ApiProblemException"/>.</summary>
public sealed class ServiceClient(string name, string baseUrl, string? token, HttpMessageHandler? handler = null)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly HttpClient http = new(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public string Name { get; } = name;
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public Task<ApiResponse> GetAsync(string path, CancellationToken ct = default, string? accept = null) =>
        SendAsync(HttpMethod.Get, path, null, ct, accept);

    public Task<ApiResponse> PostAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, JsonBody(body), ct);

    public Task<ApiResponse> PutAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Put, path, JsonBody(body), ct);

    public Task<ApiResponse> PostRawAsync(string path, string content, string contentType, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, path, new StringContent(content, Encoding.UTF8, contentType), ct);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct, string? accept = null)
    {
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ServiceUnreachableException(Name, BaseUrl, e.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused (is it running?)" : e.Message);
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ServiceUnreachableException(Name, BaseUrl, "no answer within 30 s");
        }
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw new ApiProblemException(Name, response.StatusCode, body);
            var headers = response.Headers.Concat(response.Content.Headers).ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
            return new ApiResponse(response.StatusCode, body, headers) { Service = Name };
        }
    }

    private static StringContent? JsonBody(object? body) =>
        body is null ? null : new StringContent(body is string s ? s : JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");
}
