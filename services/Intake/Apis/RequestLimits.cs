using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Intake.Apis;

/// <summary>
/// The limits that protect the service: a per-client rate limit on POST /reports (429) and body sizes (413). The client
/// is the connection's address, or behind a trusted reverse proxy (Intake:TrustedProxies) the one it forwards.
/// </summary>
public static class RequestLimits
{
    public static IServiceCollection AddIntakeRequestLimits(this IServiceCollection services)
    {
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<IntakeOptions>>((kestrel, o) =>
            kestrel.Limits.MaxRequestBodySize = o.Value.MaxRequestBodyBytes);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<IntakeOptions>>((forwarded, o) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            forwarded.KnownProxies.Clear(); // the defaults trust loopback; only the configured proxies count
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in o.Value.TrustedProxyNetworks()) forwarded.KnownIPNetworks.Add(network);
        });
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<IntakeOptions>>((limiter, o) =>
        {
            var settings = o.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                http.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                http.Response.Headers.RetryAfter = settings.ReportsWindowSeconds.ToString();
                await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails =
                    {
                        Status = StatusCodes.Status429TooManyRequests,
                        Title = "Too many requests",
                        Detail = $"At most {settings.ReportsPermitLimit} reports per {settings.ReportsWindowSeconds} s from one client; try again later.",
                    },
                });
            };
            limiter.AddPolicy(ReportsApi.RateLimitPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.ReportsPermitLimit,
                    Window = TimeSpan.FromSeconds(settings.ReportsWindowSeconds),
                    QueueLimit = 0,
                }));
        });
        return services;
    }

    public static WebApplication UseIntakeRequestLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<IntakeOptions>>().Value.TrustedProxies.Length > 0) app.UseForwardedHeaders();
        app.UseRateLimiter();
        app.Use((context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<ReportBodyLimit>() is not null &&
                context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
                limit.MaxRequestBodySize = context.RequestServices.GetRequiredService<IOptions<IntakeOptions>>().Value.MaxReportBodyBytes;
            return next(context);
        });
        return app;
    }
}
