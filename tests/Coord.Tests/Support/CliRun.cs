using System.Net;
using Coord;
using Coord.Cli;

namespace Coord.Tests.Support;

/// <summary>Runs coord in-process with captured output, given environment variables and (optionally) an HTTP handler.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public static async Task<CliRun> RunAsync(string[] args, IReadOnlyDictionary<string, string?>? env = null, HttpMessageHandler? handler = null, string stdin = "")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var variables = new Dictionary<string, string?>(env ?? new Dictionary<string, string?>());
        // Never read the developer's own config or token.
        if (!variables.ContainsKey("COORD_CONFIG")) variables["COORD_CONFIG"] = Path.Combine(Path.GetTempPath(), $"coord-tests-{Guid.NewGuid():N}", "config.json");
        var environment = new CliEnvironment
        {
            Out = output, Err = error, In = new StringReader(stdin), InputRedirected = true, Variables = variables, Handler = handler, Interactive = false,
        };
        var code = await CoordCli.RunAsync(args, environment);
        return new CliRun(code, output.ToString(), error.ToString());
    }
}

/// <summary>Answers every request with one canned response and records the requests (for rendering tests only).</summary>
public sealed class CannedHandler(HttpStatusCode status, string body, string contentType = "application/problem+json") : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];
    public List<string?> Bodies { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        Bodies.Add(request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken));
        return await Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType) });
    }
}

/// <summary>Answers each request as the given function says (a stand-in service without infrastructure); records the requests.</summary>
public sealed class RoutedHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
{
    public List<HttpRequestMessage> Requests { get; } = [];

    public static HttpResponseMessage Json(HttpStatusCode status, string body, string contentType = "application/json") =>
        new(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, contentType) };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests.Add(request);
        return Task.FromResult(answer(request));
    }
}
