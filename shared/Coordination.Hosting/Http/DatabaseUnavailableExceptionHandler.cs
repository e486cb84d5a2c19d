using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Hosting.Http;

/// <summary>
/// A database that does not answer (connection refused or lost, a command timed out) makes a request 503 with
/// Retry-After, not 500: nothing is wrong with the request. The reply names no statement and no data, and the log
/// names the endpoint's route, not the path (a notice link's path is its token).
/// </summary>
public sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableExceptionHandler> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not NpgsqlException { IsTransient: true } e) return false;
        LogUnavailable(http.Request.Method, RouteTemplate.Of(http) ?? "(no route)", e.GetType().Name, e.InnerException?.GetType().Name);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        var details = new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "The database is not answering",
            Detail = $"The request could not be completed. Try again in {RetryAfterSeconds} seconds.",
        };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = null });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Route}: database unavailable ({Error}, {Inner}); answered 503")]
    private partial void LogUnavailable(string method, string route, string error, string? inner);
}
