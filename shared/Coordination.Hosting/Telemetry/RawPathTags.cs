using System.Diagnostics;
using Coordination.Hosting.Http;
using Microsoft.AspNetCore.Http;

namespace Coordination.Hosting.Telemetry;

/// <summary>A server span never carries the request's path or query: a notice link's path is its token.</summary>
internal static class RawPathTags
{
    private static readonly string[] Keys = ["url.path", "url.query", "url.full", "http.target", "http.url"];

    public static void Remove(Activity activity)
    {
        foreach (var key in Keys) activity.SetTag(key, null);
    }

    /// <summary>At the end of the request: url.path becomes the route template ("/notices/{token}"), or goes.</summary>
    public static void ReplaceWithRoute(Activity activity, HttpContext http)
    {
        Remove(activity);
        activity.SetTag("url.path", RouteTemplate.Of(http));
    }
}
