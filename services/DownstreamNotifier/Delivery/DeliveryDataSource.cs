using Coordination.Hosting.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// The database connections of the sender workers and the acceptance recorder: a pool of their own, only ever opened
/// and used synchronously, kept apart from the pool the consumers and HTTP handlers use asynchronously. Their sockets
/// are non-blocking all the same: Npgsql connects with Blocking = false even when opening synchronously, and .NET
/// never makes a socket blocking again, so each synchronous read (a group of acceptances, a claim, a batch's outcomes)
/// still waits through the socket engine's thread and a thread-pool thread. Npgsql offers no hook to change that.
/// </summary>
public sealed class DeliveryDataSource(IOptions<PostgresOptions> options) : IDisposable
{
    public NpgsqlDataSource Value { get; } = options.Value.CreateDataSource(DownstreamNotifierExtensions.Service.Schema, "downstream-notifier delivery");

    public void Dispose() => Value.Dispose();
}
