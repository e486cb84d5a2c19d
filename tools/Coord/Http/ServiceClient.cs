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

    /// <summary>How long a request may take before coord says the service did not answer.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    // Each request has its own limit (a bulk import of 10,000 keyed contacts takes minutes, and the server undoes the
    // whole import when the client gives up), so the client's own is off.
    private readonly HttpClient http = new(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null)
    {
        BaseAddress = new Uri(baseUrl.TrimEnd('/') + "/"),
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public string Name { get; } = name;
    public string BaseUrl { get; } = baseUrl.TrimEnd('/');

    public Task<ApiResponse> GetAsync(string path, CancellationToken ct = default, string? accept = null) =>
        SendAsync(HttpMethod.Get, path, null, ct, accept);

    public Task<ApiResponse> PostAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Post, path, JsonBody(body), ct);

    public Task<ApiResponse> PutAsync(string path, object? body, CancellationToken ct = default) => SendAsync(HttpMethod.Put, path, JsonBody(body), ct);

    public Task<ApiResponse> PostRawAsync(string path, string content, string contentType, CancellationToken ct = default, TimeSpan? timeout = null) =>
        SendAsync(HttpMethod.Post, path, new StringContent(content, Encoding.UTF8, contentType), ct, timeout: timeout);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken ct, string? accept = null,
        TimeSpan? timeout = null)
    {
        var limit = timeout ?? DefaultTimeout;
        using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd(accept ?? "application/json");
        using var within = CancellationTokenSource.CreateLinkedTokenSource(ct);
        within.CancelAfter(limit);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, within.Token);
        }
        catch (HttpRequestException e)
        {
            throw new ServiceUnreachableException(Name, BaseUrl, e.HttpRequestError == HttpRequestError.ConnectionError ? "connection refused (is it running?)" : e.Message);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new ServiceUnreachableException(Name, BaseUrl, $"no answer within {limit.TotalSeconds:0} s");
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
