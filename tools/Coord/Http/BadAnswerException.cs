using System.Net;

namespace Coord.Http;

/// <summary>A service answered with a success status but a body coord cannot read as JSON (a proxy's page, a wrong URL).</summary>
public sealed class BadAnswerException(string service, HttpStatusCode status, string reason)
    : Exception($"{service} answered {(int)status} with a body that is not JSON ({reason}); is the service's URL right?");
