using System.Security.Cryptography;
using System.Text;
using Microsoft.Net.Http.Headers;

namespace Disclosure.Apis;

/// <summary>
/// Cache-Control, a strong ETag from the bytes, and 304 on a matching If-None-Match. No Last-Modified: whole seconds
/// cannot tell two changes in the same second apart, and a publication committed after a later-stamped one would leave
/// the newest date unchanged, so If-Modified-Since could answer 304 for a changed response. The ETag cannot.
/// </summary>
public static class HttpCaching
{
    public const string PublicCache = "public, max-age=300";

    public static IResult Serve(HttpContext http, string body, string contentType)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var etag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(bytes))[..32]}\"");
        http.Response.GetTypedHeaders().ETag = etag;
        http.Response.Headers.CacheControl = PublicCache;
        http.Response.Headers.Vary = "Accept";

        if (http.Request.GetTypedHeaders().IfNoneMatch is { Count: > 0 } inm
            && inm.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(etag, useStrongComparison: false)))
            return Results.StatusCode(StatusCodes.Status304NotModified);
        return Results.Bytes(bytes, contentType);
    }
}
