using Coordination.Hosting.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// The database connections of the sender workers and the acceptance recorder: a pool of their own, only ever opened
/// and used synchronously. A socket once used asynchronously (as the shared pool's are, by consumers and HTTP handlers)
/// stays non-blocking, and each synchronous read on it then waits through the socket engine's thread.
/// </summary>
public sealed class DeliveryDataSource(IOptions<PostgresOptions> options) : IDisposable
{
    public NpgsqlDataSource Value { get; } = options.Value.CreateDataSource(DownstreamNotifierExtensions.Service.Schema, "downstream-notifier delivery");

    public void Dispose() => Value.Dispose();
}
