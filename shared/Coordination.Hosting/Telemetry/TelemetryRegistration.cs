using MassTransit.Logging;
using MassTransit.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Coordination.Hosting.Telemetry;

public static class TelemetryRegistration
{
    /// <summary>
    /// Traces, metrics and logs through OpenTelemetry; exported over OTLP only when OTEL_EXPORTER_OTLP_ENDPOINT
    /// is set (traces are not even collected otherwise). Only ids and counts go into attributes: SQL parameters are
    /// never recorded, a request's path and query never (a server span says its route template instead), nor an
    /// exception's message, neither in a span (<see cref="ExceptionDetailsScrubber"/>) nor in a log record of any
    /// provider (<see cref="ExceptionMessageRedaction"/>).
    /// </summary>
    public static WebApplicationBuilder AddCoordinationTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        builder.Logging.AddOpenTelemetry(o =>
        {
            // No scopes: ASP.NET Core's request scope carries the raw path (RequestPath), and a notice link's path
            // is its token. Trace and span ids are on every record anyway.
            o.IncludeScopes = false;
            o.IncludeFormattedMessage = true;
        });
        // "Request starting/finished" name the raw path too: never logged, whatever Logging:LogLevel says.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Services.AddExceptionMessageRedaction();
        var export = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter(InstrumentationOptions.MeterName)
                .AddMeter("Npgsql"));
        // Traces only when they go somewhere: a tracer provider samples every span even without an exporter, and
        // building an Activity for each database command was about 1 % of the notifier's CPU in a fan-out.
        if (export)
        {
            otel.WithTracing(t => t.AddCoordinationTracing());
            otel.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>What the services trace, and what no exported span may carry (raw paths, exception messages).</summary>
    public static TracerProviderBuilder AddCoordinationTracing(this TracerProviderBuilder tracing) => tracing
        .AddAspNetCoreInstrumentation(o =>
        {
            o.RecordException = false;
            o.EnrichWithHttpRequest = (activity, _) => RawPathTags.Remove(activity);
            o.EnrichWithHttpResponse = (activity, response) => RawPathTags.ReplaceWithRoute(activity, response.HttpContext);
        })
        .AddHttpClientInstrumentation()
        .AddSource(DiagnosticHeaders.DefaultListenerName)
        .AddNpgsql()
        .AddProcessor(new ExceptionDetailsScrubber());
}
