using Coordination.Contracts.Members;
using Coordination.Hosting.Data;
using MassTransit;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Coordination.Hosting.Auth;

/// <summary>
/// As the service starts, asks intake for every revocation (<see cref="MemberAccessRevocationsRequested"/>, through
/// the outbox): one published before this service's queue existed never came. Asked once the bus is healthy, i.e. this
/// service's queues are bound: an answer published before would reach none of them. Asked again every
/// <see cref="AnswerWait"/> until a list has come (intake down, an answer lost), at most <see cref="MaxAsks"/> times;
/// intake also publishes the list every 10 minutes.
/// </summary>
public sealed partial class RevocationResyncRequest(NpgsqlDataSource dataSource, IBusControl bus, RevocationListSeen listSeen, ServiceInfo service,
    TimeProvider time, ILogger<RevocationResyncRequest> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan AnswerWait = TimeSpan.FromSeconds(30);
    private const int MaxAsks = 10;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await bus.WaitForHealthStatus(BusHealthStatus.Healthy, stoppingToken);
            for (var ask = 1; ask <= MaxAsks && !listSeen.Task.IsCompleted; ask++)
            {
                await AskAsync(stoppingToken);
                await Task.WhenAny(listSeen.Task, Task.Delay(AnswerWait, time, stoppingToken));
            }
            if (!listSeen.Task.IsCompleted) LogNoAnswer(MaxAsks);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    private async Task AskAsync(CancellationToken stoppingToken)
    {
        while (true)
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
            await Task.Delay(RetryAfter, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Intake sent no list of revocations after {Asks} requests; it publishes one every 10 minutes")]
    private partial void LogNoAnswer(int asks);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not ask intake for the revocations ({ErrorType}); trying again in {Seconds} s")]
    private partial void LogRequestFailed(string errorType, double seconds);
}
