using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Coordination.Hosting.Http;

/// <summary>What logs and traces may say about a request's path: a notice link's path is its token.</summary>
public static class RouteTemplate
{
    /// <summary>
    /// The matched endpoint's route template ("/notices/{token}"), also while the exception handler runs (it clears
    /// the endpoint and keeps it in IExceptionHandlerFeature); null when no endpoint matched. Never the path itself.
    /// </summary>
    public static string? Of(HttpContext http) =>
        ((http.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? http.GetEndpoint()) as RouteEndpoint)?.RoutePattern.RawText;
}
