using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Npgsql;

namespace Intake.Members;

/// <summary>
/// Publishes every revocation (<see cref="MemberAccessRevocations"/>) at start and every <see cref="Every"/>: a
/// service that missed a MemberAccessRevoked and whose own request at start also went astray (a rebuilt broker, a
/// queue bound just after the answer) catches up within that time. Each replica of intake does it; the lists agree.
/// </summary>
public sealed partial class RevocationsRepublisher(NpgsqlDataSource dataSource, TimeProvider time, ILogger<RevocationsRepublisher> logger)
    : BackgroundService
{
    public static readonly TimeSpan Every = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAllAsync(dataSource, time, stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                LogRepublishFailed(e.GetType().Name);
            }
            try { await Task.Delay(Every, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <summary>The whole list, through the outbox.</summary>
    public static async Task PublishAllAsync(NpgsqlDataSource dataSource, TimeProvider time, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Outbox.PublishAsync(conn, tx, await RevocationStore.ReadAllAsync(conn, time.GetUtcNow()));
        await tx.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish the revocations ({ErrorType}); trying again in 10 minutes")]
    private partial void LogRepublishFailed(string errorType);
}
