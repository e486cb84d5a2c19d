using System.Collections.Concurrent;
using System.Diagnostics;
using Coordination.Hosting.Http;
using Coordination.Hosting.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Trace;

namespace Foundation.Tests;

/// <summary>
/// A notice link's path is its token: no exported span, log record or scope may carry a request's path, nor a logged
/// exception's message.
/// </summary>
public sealed class TelemetryTests
{
    private const string Token = "CAPABILITY-TOKEN-7d2e9b";
    private const string Signature = "QUERY-SECRET-41aa";

    [Fact]
    public async Task No_exported_span_or_log_record_carries_the_raw_request_path_or_query()
    {
        var (spans, routes, logs) = await RequestTheLinkAsync(new() { ["Logging:LogLevel:Microsoft.AspNetCore"] = "Information" }, includeScopes: false);

        Assert.Equal("/notices/{token}", Assert.Single(routes));
        Assert.Contains(logs, l => l.Contains("Could not show a notice") && l.Contains($"{typeof(InvalidOperationException).FullName} {ExceptionMessageRedaction.Withheld}"));
        Assert.Contains(logs, l => l.Contains("GET /notices/{token}: database unavailable"));
        AssertNoneCarriesTheLink(spans.Concat(logs));
    }

    [Fact]
    public async Task A_provider_rule_or_scopes_turned_on_in_configuration_do_not_bring_the_raw_path_back()
    {
        // A provider's own rule outranks the category filter the services add, and IncludeScopes turns the request
        // scope (which carries RequestPath) back on: as an operator's Logging:OpenTelemetry settings would.
        var (_, _, logs) = await RequestTheLinkAsync(new()
        {
            ["Logging:OpenTelemetry:LogLevel:Default"] = "Information",
            ["Logging:OpenTelemetry:LogLevel:Microsoft.AspNetCore"] = "Information",
        }, includeScopes: true);

        Assert.Contains(logs, l => l.Contains("GET /notices/{token}: database unavailable") && l.Contains("scope RequestId="));
        AssertNoneCarriesTheLink(logs);
    }

    private static void AssertNoneCarriesTheLink(IEnumerable<string> exported)
    {
        foreach (var record in exported)
        {
            Assert.DoesNotContain(Token, record);
            Assert.DoesNotContain(Signature, record);
        }
    }

    private static async Task<(ConcurrentQueue<string> Spans, ConcurrentQueue<string?> Routes, ConcurrentQueue<string> Logs)> RequestTheLinkAsync(
        Dictionary<string, string?> settings, bool includeScopes)
    {
        var spans = new ConcurrentQueue<string>();
        var routes = new ConcurrentQueue<string?>();
        var logs = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:1"; // tracing is on only when exporting
        settings["Logging:LogLevel:Default"] = "Information"; // more than the services' appsettings.json
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCoordinationTelemetry("telemetry-test");
        builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.AddProcessor(new SpanCapture(spans, routes)));
        builder.Logging.AddOpenTelemetry(o =>
        {
            o.AddProcessor(new LogCapture(logs));
            if (includeScopes) o.IncludeScopes = true;
        });
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DatabaseUnavailableExceptionHandler>();
        await using var app = builder.Build();
        app.UseExceptionHandler();
        // Stands in for the notifier's notice link while PostgreSQL does not answer.
        app.MapGet("/notices/{token}", (string token) => { throw new NpgsqlException("db down", new TimeoutException()); });
        await app.StartAsync();

        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient();
        var response = await http.GetAsync($"{url}/notices/{Token}?sig={Signature}");
        Assert.Equal(503, (int)response.StatusCode);
        for (var i = 0; i < 50 && (routes.IsEmpty || !logs.Any(l => l.Contains("database unavailable"))); i++) await Task.Delay(100);
        // An exception's message may quote the token (or embargoed data): no record carries it, only its type.
        app.Services.GetRequiredService<ILogger<TelemetryTests>>().LogError(new InvalidOperationException($"no notice for {Token}"), "Could not show a notice");
        await app.StopAsync();
        return (spans, routes, logs);
    }

    private sealed class SpanCapture(ConcurrentQueue<string> spans, ConcurrentQueue<string?> routes) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            if (activity.Kind == ActivityKind.Client) return; // the test's own request to the link
            if (activity.Kind == ActivityKind.Server) routes.Enqueue(activity.GetTagItem("url.path") as string);
            spans.Enqueue($"{activity.DisplayName} {activity.OperationName} " +
                          string.Join(", ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " +
                          string.Join(", ", activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}"))));
        }
    }

    private sealed class LogCapture(ConcurrentQueue<string> logs) : BaseProcessor<LogRecord>
    {
        public override void OnEnd(LogRecord record)
        {
            var parts = new List<string> { record.CategoryName ?? "", record.FormattedMessage ?? "", record.Body ?? "" };
            parts.AddRange(record.Attributes?.Select(a => $"{a.Key}={a.Value}") ?? []);
            parts.Add(record.Exception?.ToString() ?? "");
            record.ForEachScope((scope, _) => { foreach (var kv in scope) parts.Add($"scope {kv.Key}={kv.Value}"); }, (object?)null);
            logs.Enqueue(string.Join(" | ", parts));
        }
    }
}
