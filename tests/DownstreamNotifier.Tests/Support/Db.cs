using Npgsql;

namespace DownstreamNotifier.Tests.Support;

/// <summary>Reads the notifier's own tables where its API shows nothing (rounds, how a case's embargo stands).</summary>
public static class Db
{
    public static async Task<T?> ScalarAsync<T>(NotifierHarness h, string sql, params object[] args)
    {
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    /// <summary>Waits until the round is marked done (completed_at), i.e. it was reported with DownstreamNotified.</summary>
    public static async Task WaitForRoundDoneAsync(NotifierHarness h, Guid notificationId)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await ScalarAsync<bool>(h, "SELECT completed_at IS NOT NULL FROM notifier.notifications WHERE id = $1", notificationId)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"round {notificationId} never completed\n{h.Service.Output}");
    }
}
