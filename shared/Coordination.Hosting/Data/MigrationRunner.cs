using System.Reflection;
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
    public static IReadOnlyList<string> Apply(string connectionString, string schema, params Assembly[] assemblies)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString) { SearchPath = schema }.ConnectionString;
        using var conn = new NpgsqlConnection(cs);
        conn.Open();
        conn.Execute("SELECT pg_advisory_lock(hashtext(@Schema))", new { Schema = "migrations:" + schema });
        try
        {
            conn.Execute($"CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
            var applied = new List<string>();
            foreach (var assembly in assemblies.Distinct())
            {
                var result = DeployChanges.To.PostgresqlDatabase(cs, schema)
                    .WithScriptsEmbeddedInAssembly(assembly, name => name.EndsWith(".sql", StringComparison.Ordinal) && name.Contains(".Migrations.", StringComparison.Ordinal))
                    .JournalToPostgresqlTable(schema, "schema_migrations")
                    .LogTo(new NoLog())
                    .WithTransactionPerScript()
                    .Build()
                    .PerformUpgrade();
                if (!result.Successful)
                    throw new InvalidOperationException($"Migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
                applied.AddRange(result.Scripts.Select(s => s.Name));
            }
            return applied;
        }
        finally
        {
            conn.Execute("SELECT pg_advisory_unlock(hashtext(@Schema))", new { Schema = "migrations:" + schema });
        }
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
