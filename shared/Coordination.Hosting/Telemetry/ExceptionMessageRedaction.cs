using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Coordination.Hosting.Telemetry;

/// <summary>
/// No log record carries an exception's message, whichever provider writes it (console, OpenTelemetry): the logger
/// factory every logger comes from hands its providers a <see cref="RedactedException"/> in place of the exception,
/// and withholds the exception's messages from the record's text and values where the log line quotes them
/// (MassTransit's <c>Retrying {Delay}: {Message}</c> does). The log-side twin of <see cref="ExceptionDetailsScrubber"/>.
/// Nor does any record or scope carry a request's raw path (a notice link's path is its token), whatever the logging
/// configuration says: ASP.NET Core's "Request starting/finished" records are dropped below Warning and its request
/// scope loses its RequestPath. A filter in configuration alone was not enough: a provider's own rule
/// (Logging:Console:LogLevel:Default) outranks it, and a provider's IncludeScopes turns the scope back on.
/// </summary>
public static class ExceptionMessageRedaction
{
    public const string Withheld = "(message withheld)";

    /// <summary>Wraps the logger factory of the container; call after logging is added (every host adds it first).</summary>
    public static IServiceCollection AddExceptionMessageRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new RedactingLoggerFactory(new LoggerFactory(
            sp.GetServices<ILoggerProvider>(),
            sp.GetRequiredService<IOptionsMonitor<LoggerFilterOptions>>(),
            sp.GetService<IOptions<LoggerFactoryOptions>>(),
            sp.GetService<IExternalScopeProvider>()))));
        return services;
    }

    private sealed class RedactingLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            new RedactingLogger(inner.CreateLogger(categoryName), categoryName == HostingDiagnostics ? LogLevel.Warning : LogLevel.Trace);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose() => inner.Dispose();
    }

    private const string HostingDiagnostics = "Microsoft.AspNetCore.Hosting.Diagnostics";
    private const string RequestPath = "RequestPath";

    private sealed class RedactingLogger(ILogger inner, LogLevel minimum) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull =>
            state is IReadOnlyList<KeyValuePair<string, object?>> values && values.Any(v => v.Key == RequestPath)
                ? inner.BeginScope(new PathlessScope(values.Where(v => v.Key != RequestPath).ToList()))
                : inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel < minimum) return;
            if (exception is null)
            {
                inner.Log(logLevel, eventId, state, exception, formatter);
                return;
            }
            var redacted = new RedactedException(exception);
            var messages = RedactedException.MessagesOf(exception);
            var text = formatter(state, exception);
            var values = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            if (!Quotes(text, messages) && !values.Any(v => Quotes(v.Value?.ToString(), messages)))
            {
                inner.Log(logLevel, eventId, state, redacted, formatter);
                return;
            }
            var withheld = new WithheldState(Withhold(text, messages)!,
                values.Select(v => Quotes(v.Value?.ToString(), messages) ? KeyValuePair.Create(v.Key, (object?)Withhold(v.Value!.ToString(), messages)) : v).ToList());
            inner.Log(logLevel, eventId, withheld, redacted, static (s, _) => s.ToString());
        }

        private static bool Quotes(string? text, IReadOnlyList<string> messages) =>
            text is not null && messages.Any(m => text.Contains(m, StringComparison.Ordinal));

        private static string? Withhold(string? text, IReadOnlyList<string> messages) =>
            messages.Aggregate(text, (t, m) => t?.Replace(m, Withheld, StringComparison.Ordinal));
    }

    /// <summary>ASP.NET Core's request scope without the request's path.</summary>
    private sealed class PathlessScope(IReadOnlyList<KeyValuePair<string, object?>> values) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => values[index];

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(" ", values.Select(v => $"{v.Key}:{v.Value}"));
    }

    /// <summary>A record's values and text with the exception's messages taken out; read as the original state is.</summary>
    private sealed class WithheldState(string text, IReadOnlyList<KeyValuePair<string, object?>> values)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => values[index];

        public int Count => values.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => values.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => text;
    }
}
