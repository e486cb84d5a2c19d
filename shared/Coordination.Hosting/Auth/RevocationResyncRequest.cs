using Coordination.Contracts.Members;
using Coordination.Hosting.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>
/// As the service starts, asks intake for every revocation (<see cref="MemberAccessRevocationsRequested"/>, through
/// the outbox, so it goes once the broker is reachable): one published before this service's queue existed never came.
/// </summary>
public sealed partial class RevocationResyncRequest(NpgsqlDataSource dataSource, ServiceInfo service, TimeProvider time,
    ILogger<RevocationResyncRequest> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var conn = await dataSource.OpenConnectionAsync(stoppingToken);
                await using var tx = await conn.BeginTransactionAsync(stoppingToken);
                await Outbox.PublishAsync(conn, tx, new MemberAccessRevocationsRequested(service.Name, time.GetUtcNow()));
                await tx.CommitAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRequestFailed(e.GetType().Name, RetryAfter.TotalSeconds);
            }
            try { await Task.Delay(RetryAfter, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask intake for the revocations ({ErrorType}); trying again in {Seconds} s")]
    private partial void LogRequestFailed(string errorType, double seconds);
}
