using Dapper;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// Deletes inbox records (processed_messages) older than <see cref="Keep"/>, once an hour, so the table does not grow
/// for good. A record only has to outlive every later delivery of its message: a redelivery comes within hours (the
/// last scheduled redelivery is 4 h after the one before, see RabbitMq:RedeliveryIntervals), an outbox or clock resend
/// after a crash within minutes.
/// </summary>
public sealed partial class InboxRetention(NpgsqlDataSource dataSource, TimeProvider time, ILogger<InboxRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Keep = TimeSpan.FromDays(30);
    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    // In slices, so a first purge of a large table does not hold one long transaction.
    private const string PurgeSql = """
        DELETE FROM processed_messages WHERE ctid IN (
            SELECT ctid FROM processed_messages WHERE processed_at < @Before LIMIT 10000)
        """;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var purged = await PurgeAsync(time.GetUtcNow() - Keep, stoppingToken);
                if (purged > 0) LogPurged(purged);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested) { LogPurgeFailed(e.GetType().Name); }
            try { await Task.Delay(Every, time, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }

    /// <returns>how many records were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var total = 0;
        int slice;
        do
        {
            slice = await conn.ExecuteAsync(new CommandDefinition(PurgeSql, new { Before = before }, cancellationToken: ct));
            total += slice;
        } while (slice > 0 && !ct.IsCancellationRequested);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inbox: purged {Count} records of messages processed over 30 days ago")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox purge failed ({ErrorType}); trying again in an hour")]
    private partial void LogPurgeFailed(string errorType);
}
