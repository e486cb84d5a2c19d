using Coordination.Hosting;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Foundation.Tests;

public sealed class InboxRetentionTests
{
    [Fact]
    public async Task Inbox_records_older_than_the_retention_are_purged_and_newer_ones_kept()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("inbox");
        MigrationRunner.Apply(isolation.ConnectionString, "inbox_test", typeof(ServiceInfo).Assembly);
        await using var data = new NpgsqlDataSourceBuilder(
            new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "inbox_test" }.ConnectionString).Build();
        var now = DateTimeOffset.UtcNow;
        await using (var conn = await data.OpenConnectionAsync())
            await conn.ExecuteAsync("""
                INSERT INTO processed_messages (consumer, message_id, processed_at)
                SELECT 'old', gen_random_uuid(), @Old FROM generate_series(1, 10005)
                UNION ALL SELECT 'recent', gen_random_uuid(), @Recent
                """, new { Old = now - InboxRetention.Keep - TimeSpan.FromDays(1), Recent = now - InboxRetention.Keep + TimeSpan.FromDays(1) });

        var retention = new InboxRetention(data, TimeProvider.System, NullLogger<InboxRetention>.Instance);
        Assert.Equal(10005, await retention.PurgeAsync(now - InboxRetention.Keep, CancellationToken.None)); // more than one slice

        await using var check = await data.OpenConnectionAsync();
        Assert.Equal(["recent"], (await check.QueryAsync<string>("SELECT consumer FROM processed_messages")).ToList());
    }
}
