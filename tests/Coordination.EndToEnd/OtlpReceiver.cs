using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace Coordination.EndToEnd;

/// <summary>
/// Receives what the services export over OTLP/HTTP (traces, logs, metrics as protobuf) and keeps each body as it
/// came. Protobuf writes strings as their UTF-8 bytes, so a text that reached an export is found in these bodies.
/// </summary>
public sealed class OtlpReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<(string Path, byte[] Body)> received = new();
    private readonly Task loop;

    public OtlpReceiver(int port)
    {
        Endpoint = $"http://127.0.0.1:{port}";
        listener.Prefixes.Add(Endpoint + "/");
        listener.Start();
        loop = Task.Run(ReceiveAsync);
    }

    public string Endpoint { get; }

    /// <summary>How many bodies arrived on a path such as "/v1/logs".</summary>
    public int Count(string path) => received.Count(r => r.Path == path);

    /// <summary>The paths of the bodies holding the text.</summary>
    public IReadOnlyList<string> PathsContaining(string text)
    {
        var needle = Encoding.UTF8.GetBytes(text);
        return received.Where(r => r.Body.AsSpan().IndexOf(needle) >= 0).Select(r => r.Path).Distinct().ToList();
    }

    private async Task ReceiveAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            received.Enqueue((context.Request.Url!.AbsolutePath, body.ToArray()));
            context.Response.StatusCode = 200; // an empty export response is a valid (empty) protobuf message
            context.Response.ContentType = "application/x-protobuf";
            context.Response.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        listener.Close();
        await loop;
    }
}
