using System.Reflection;
using System.Runtime.ExceptionServices;
using Dapper;
using DbUp;
using DbUp.Engine.Output;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// Applies the numbered embedded .sql files of the hosting library and of the service into the service's
/// own schema, recorded in that schema's schema_migrations table. An advisory lock keeps two instances
/// starting together from applying the same script twice.
/// </summary>
public static class MigrationRunner
{
    private static readonly TimeSpan LockPoll = TimeSpan.FromMilliseconds(500);

    /// <param name="waiting">Told once when another instance holds the lock (it is applying them).</param>
    /// <exception cref="MigrationFailedException">A script failed; nothing of it was applied.</exception>
    public static IReadOnlyList<string> Apply(string connectionString, string schema, Assembly[] assemblies, Action? waiting = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        // Unpooled: closing it ends the session, which releases the lock whatever happened to the unlock.
        using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(cs) { Pooling = false }.ConnectionString);
        conn.Open();
        var lockKey = new { Key = "migrations:" + schema };
        // Polled rather than waited for in one command: the wait for another instance's migrations is not bounded
        // by the command timeout (30 s), after which this instance would have said the database was unreachable.
        while (!conn.ExecuteScalar<bool>("SELECT pg_try_advisory_lock(hashtext(@Key))", lockKey))
        {
            waiting?.Invoke();
            waiting = null;
            Thread.Sleep(LockPoll);
        }
        try
        {
            conn.Execute($"CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
            var applied = new List<string>();
            foreach (var assembly in assemblies.Distinct()) applied.AddRange(ApplyScripts(cs, schema, assembly));
            return applied;
        }
        finally
        {
            try
            {
                conn.Execute("SELECT pg_advisory_unlock(hashtext(@Key))", lockKey);
            }
            catch (NpgsqlException)
            {
                // The connection broke: its session, and the lock with it, ended; the error that broke it is the one to report.
            }
        }
    }

    public static IReadOnlyList<string> Apply(string connectionString, string schema, params Assembly[] assemblies) =>
        Apply(connectionString, schema, assemblies, null);

    private static IEnumerable<string> ApplyScripts(string cs, string schema, Assembly assembly)
    {
        var result = DeployChanges.To.PostgresqlDatabase(cs, schema)
            .WithScriptsEmbeddedInAssembly(assembly, name => name.EndsWith(".sql", StringComparison.Ordinal) && name.Contains(".Migrations.", StringComparison.Ordinal))
            .JournalToPostgresqlTable(schema, "schema_migrations")
            .LogTo(new NoLog())
            .WithTransactionPerScript()
            .WithExecutionTimeout(TimeSpan.Zero) // none: a migration over a large table may take minutes, and is all or nothing
            .Build()
            .PerformUpgrade();
        if (result.Successful) return result.Scripts.Select(s => s.Name);
        // A broken connection is the caller's to retry, as when opening one.
        if (result.Error is NpgsqlException { IsTransient: true } or TimeoutException) ExceptionDispatchInfo.Throw(result.Error);
        throw new MigrationFailedException(result.ErrorScript?.Name ?? "(journal)", result.Error);
    }

    private sealed class NoLog : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) { }
        public void LogWarning(string format, params object[] args) { }
        public void LogError(string format, params object[] args) { }
        public void LogError(Exception ex, string format, params object[] args) { }
    }
}
