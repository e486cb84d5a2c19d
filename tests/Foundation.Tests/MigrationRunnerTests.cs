using Coordination.Hosting;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using Npgsql;

namespace Foundation.Tests;

public sealed class MigrationRunnerTests
{
    [Fact]
    public async Task An_instance_waits_for_another_instances_migrations_longer_than_the_command_timeout()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("migrations-wait");
        var impatient = new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { CommandTimeout = 1 }.ConnectionString;
        await using var other = new NpgsqlConnection(isolation.ConnectionString);
        await other.OpenAsync();
        await other.ExecuteAsync("SELECT pg_advisory_lock(hashtext('migrations:waiting_test'))"); // the other instance, migrating

        var waited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var apply = Task.Run(() => MigrationRunner.Apply(impatient, "waiting_test", [typeof(ServiceInfo).Assembly], () => waited.TrySetResult()));
        await waited.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(3)); // three command timeouts
        Assert.False(apply.IsCompleted);
        await other.ExecuteAsync("SELECT pg_advisory_unlock(hashtext('migrations:waiting_test'))");

        var applied = await apply.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Contains(applied, name => name.Contains("0001_hosting_outbox", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_script_the_database_refuses_is_named_without_the_value_it_quotes_and_leaves_nothing_of_itself()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("migrations-fail");

        var failure = Assert.Throws<MigrationFailedException>(() =>
            MigrationRunner.Apply(isolation.ConnectionString, "failing_test", typeof(MigrationRunnerTests).Assembly));

        Assert.Contains("0002_fixture_bad_value.sql", failure.Message);
        Assert.Contains("22P02", failure.Message);
        Assert.DoesNotContain("ROW-VALUE-9f1c", failure.Message);
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "failing_test" }.ConnectionString);
        Assert.Equal(["Foundation.Tests.MigrationFixtures.Migrations.0001_fixture_table.sql"],
            (await conn.QueryAsync<string>("SELECT scriptname FROM schema_migrations")).ToList());
        Assert.Null(await conn.ExecuteScalarAsync<string?>("SELECT to_regclass('fixture_half_done')::text"));
        // The lock was given back: applying again fails on the same script instead of waiting.
        Assert.Throws<MigrationFailedException>(() => MigrationRunner.Apply(isolation.ConnectionString, "failing_test", typeof(MigrationRunnerTests).Assembly));
    }
}
