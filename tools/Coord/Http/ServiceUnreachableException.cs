namespace Coord.Http;

public sealed class ServiceUnreachableException(string service, string url, string reason)
    : Exception($"cannot reach {service} at {url}: {reason}");
