using System.Net;

namespace Coord.Http;

/// <summary>A service answered with a non-success status; Body is what it said (usually RFC 7807 problem details).</summary>
public sealed class ApiProblemException(string service, HttpStatusCode status, string body)
    : Exception($"{service} answered {(int)status}")
{
    public string Service { get; } = service;
    public HttpStatusCode Status { get; } = status;
    public string Body { get; } = body;
}
