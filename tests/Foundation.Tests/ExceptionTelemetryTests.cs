using System.Collections.Concurrent;
using System.Diagnostics;
using Coordination.Hosting.Telemetry;
using Coordination.Testing;
using MassTransit;
using MassTransit.Logging;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Foundation.Tests;

/// <summary>
/// An exception's message can quote embargoed data; the spans MassTransit and Npgsql export record it unless the
/// services' tracing takes it out. Traced as the services trace (AddCoordinationTracing), against the real broker and
/// database.
/// </summary>
public sealed class ExceptionTelemetryTests
{
    private const string Secret = "EMBARGOED-DETAIL-5c31e0";

    [Fact]
    public async Task No_exported_span_carries_the_message_of_a_failed_consumer_or_database_command()
    {
        var spans = new ConcurrentQueue<CapturedSpan>();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddCoordinationTracing()
            .AddProcessor(new SpanCapture(spans))
            .Build();
        var isolation = await TestInfrastructure.CreateIsolationAsync("exception-telemetry");

        await using (var db = NpgsqlDataSource.Create(isolation.ConnectionString))
        {
            // PostgreSQL quotes the value it could not read in its message.
            var failed = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var command = db.CreateCommand("SELECT $1::uuid");
                command.Parameters.Add(new NpgsqlParameter { Value = Secret });
                await command.ExecuteScalarAsync();
            });
            Assert.Contains(Secret, failed.Message);
        }

        using var host = await ServiceBusHost.StartAsync(isolation, "exception-telemetry", x => x.AddConsumer<FailingConsumer>());
        await host.Services.GetRequiredService<IBus>().Publish(new SecretCarrying(Guid.NewGuid()));
        for (var i = 0; i < 300 && !spans.Any(s => s.Source == DiagnosticHeaders.DefaultListenerName && s.Error); i++) await Task.Delay(100);
        await host.StopAsync();
        tracing.ForceFlush();

        var failedSpans = spans.Where(s => s.Error).ToList();
        Assert.Contains(failedSpans, s => s.Source == "Npgsql" && s.ExceptionTypes.Contains(typeof(PostgresException).FullName!));
        Assert.Contains(failedSpans, s => s.Source == DiagnosticHeaders.DefaultListenerName && s.ExceptionTypes.Any(t => t.Contains(nameof(InvalidOperationException))));
        foreach (var span in spans) Assert.False(span.Text.Contains(Secret), $"a {span.Source} span: {span.Text}");
        // The frames stay: the failing code can still be found.
        Assert.Contains(failedSpans, s => s.Text.Contains($"{nameof(FailingConsumer)}.{nameof(FailingConsumer.Consume)}"));
        // And the spans are still exported (the scrubber's fallback would drop them).
        Assert.All(failedSpans, s => Assert.True(s.Recorded, s.Text));
    }

    public sealed record SecretCarrying(Guid Id);

    public sealed class FailingConsumer : IConsumer<SecretCarrying>
    {
        public Task Consume(ConsumeContext<SecretCarrying> context) => throw new InvalidOperationException($"could not store {Secret}");
    }

    private sealed record CapturedSpan(string Source, bool Error, bool Recorded, IReadOnlyList<string> ExceptionTypes, string Text);

    private sealed class SpanCapture(ConcurrentQueue<CapturedSpan> spans) : BaseProcessor<Activity>
    {
        public override void OnEnd(Activity activity)
        {
            var text = $"{activity.DisplayName} {activity.StatusDescription} " +
                       string.Join(", ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}")) + " " +
                       string.Join(", ", activity.Events.SelectMany(e => e.Tags.Select(t => $"{e.Name}:{t.Key}={t.Value}")));
            var types = activity.Events.Where(e => e.Name == "exception")
                .SelectMany(e => e.Tags.Where(t => t.Key == "exception.type").Select(t => t.Value?.ToString() ?? "")).ToList();
            spans.Enqueue(new CapturedSpan(activity.Source.Name, activity.Status == ActivityStatusCode.Error, activity.Recorded, types, text));
        }
    }
}
