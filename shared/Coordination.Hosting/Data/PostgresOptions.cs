using System.ComponentModel.DataAnnotations;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>Setting "Postgres:ConnectionString" (environment: Postgres__ConnectionString).</summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    public string ConnectionString { get; set; } = "";

    /// <summary>How long a starting service waits for the database before giving up.</summary>
    [Range(0, 600)]
    public int StartupWaitSeconds { get; set; } = 30;

    /// <summary>
    /// A data source on this connection string in the service's own schema. Every statement is a constant, so
    /// preparing the repeated ones spares PostgreSQL the parse and plan on each use (Npgsql prepares a statement after
    /// its fifth use); a connection string that sets Max Auto Prepare keeps its value.
    /// </summary>
    public NpgsqlDataSource CreateDataSource(string schema, string? applicationName = null)
    {
        var cs = new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema };
        if (cs.MaxAutoPrepare == 0) cs.MaxAutoPrepare = 64;
        if (applicationName is not null) cs.ApplicationName = applicationName;
        return new NpgsqlDataSourceBuilder(cs.ConnectionString).Build();
    }
}
