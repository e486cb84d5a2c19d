using Coordination.Testing;
using Dapper;
using Npgsql;

namespace EmbargoScheduler.Tests.Support;

/// <summary>Reads the embargo schema of a test's database (assertions only; the service owns the writes).</summary>
public sealed class EmbargoDatabase(Isolation isolation)
{
    private readonly string connectionString =
        new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "embargo" }.ConnectionString;

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        return await conn.ExecuteScalarAsync<T>(sql, args) ?? default!;
    }

    public Task<long> CountSagasInStateAsync(string state) =>
        ScalarAsync<long>("SELECT count(*) FROM coordination_sagas WHERE current_state = @State", new { State = state });

    public Task<long> CountScheduledAsync(string state) =>
        ScalarAsync<long>("SELECT count(*) FROM scheduled_messages WHERE state = @State", new { State = state });

    public async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting until {what}");
    }
}
