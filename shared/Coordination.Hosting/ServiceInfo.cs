namespace Coordination.Hosting;

/// <summary>A service's name (queues, telemetry) and its own PostgreSQL schema.</summary>
public sealed record ServiceInfo(string Name, string Schema);
