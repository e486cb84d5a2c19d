using System.Collections.Concurrent;
using Coordination.Hosting.Telemetry;
using Coordination.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Foundation.Tests;

/// <summary>
/// An exception's message can quote embargoed data; every log provider (the console, OpenTelemetry's) writes it from
/// the exception a log call passes, and a log line may quote it too. Logged as the services log
/// (AddExceptionMessageRedaction, which AddCoordinationTelemetry adds), by a consumer failing on the real broker.
/// </summary>
public sealed class ExceptionLogTests
{
    private const string Secret = "EMBARGOED-DETAIL-9b72d4";

    [Fact]
    public async Task No_log_record_carries_the_message_of_an_exception_it_reports()
    {
        var records = new ConcurrentQueue<Captured>();
        var isolation = await TestInfrastructure.CreateIsolationAsync("exception-logs");
        using var host = await ServiceBusHost.StartAsync(isolation, "exception-logs", x => x.AddConsumer<FailingConsumer>(),
            s => s.AddLogging(l => l.AddProvider(new Capture(records))).AddExceptionMessageRedaction());

        await host.Services.GetRequiredService<IBus>().Publish(new SecretCarrying(Guid.NewGuid()));
        for (var i = 0; i < 300 && !records.Any(r => r.Exception?.Contains(nameof(FailingConsumer)) == true); i++) await Task.Delay(100);
        // A log line quoting the message, as MassTransit's "Retrying {Delay}: {Message}" does.
        var quoting = new InvalidOperationException("outer", new FormatException($"inner {Secret}"));
        host.Services.GetRequiredService<ILogger<ExceptionLogTests>>().LogWarning(quoting, "Could not read: {Reason}", quoting.InnerException!.Message);
        await host.StopAsync();

        var failed = records.Where(r => r.Exception?.Contains(nameof(FailingConsumer)) == true).ToList();
        Assert.NotEmpty(failed);
        foreach (var record in records) Assert.False(record.ToString().Contains(Secret), record.ToString());
        // The type and frames stay: the failing code can still be found.
        Assert.Contains(failed, r => r.Exception!.Contains(typeof(InvalidOperationException).FullName!) &&
                                     r.Exception.Contains($"{nameof(FailingConsumer)}.{nameof(FailingConsumer.Consume)}"));
        var quoted = Assert.Single(records, r => r.Category == typeof(ExceptionLogTests).FullName);
        Assert.Equal($"Could not read: {ExceptionMessageRedaction.Withheld}", quoted.Text);
        Assert.Contains(quoted.Values, v => v == $"Reason={ExceptionMessageRedaction.Withheld}");
        Assert.Contains(typeof(FormatException).FullName!, quoted.Exception);
    }

    public sealed record SecretCarrying(Guid Id);

    public sealed class FailingConsumer : IConsumer<SecretCarrying>
    {
        public Task Consume(ConsumeContext<SecretCarrying> context) => throw new InvalidOperationException($"could not store {Secret}");
    }

    private sealed record Captured(string Category, string Text, IReadOnlyList<string> Values, string? Exception)
    {
        public override string ToString() => $"{Category}: {Text} [{string.Join(", ", Values)}] {Exception}";
    }

    private sealed class Capture(ConcurrentQueue<Captured> records) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, records);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<Captured> records) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = (state as IEnumerable<KeyValuePair<string, object?>> ?? []).Select(v => $"{v.Key}={v.Value}").ToList();
                records.Enqueue(new Captured(category, formatter(state, exception), values, exception?.ToString()));
            }
        }
    }
}
