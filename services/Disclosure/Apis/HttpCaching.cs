using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Disclosure.Apis;

/// <summary>Cache-Control, a strong ETag from the bytes, Last-Modified, and 304 on a matching validator.</summary>
public static class HttpCaching
{
    public const string PublicCache = "public, max-age=300";

    public static IResult Serve(HttpContext http, string body, string contentType, DateTimeOffset lastModified)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        var headers = http.Response.GetTypedHeaders();
        headers.ETag = etag;
        headers.LastModified = TruncateToSeconds(lastModified);
        http.Response.Headers.CacheControl = PublicCache;
        http.Response.Headers.Vary = "Accept";

        var request = http.Request.GetTypedHeaders();
        if (request.IfNoneMatch is { Count: > 0 } inm)
        {
            if (inm.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
                return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        else if (request.IfModifiedSince is { } since && TruncateToSeconds(lastModified) <= since)
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(bytes, contentType);
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
