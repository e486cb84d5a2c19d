using System.ComponentModel.DataAnnotations;

namespace Coordination.Hosting.Data;

/// <summary>Setting "Postgres:ConnectionString" (environment: Postgres__ConnectionString).</summary>
public sealed class PostgresOptions
{
    public const string Section = "Postgres";

    public string ConnectionString { get; set; } = "";

    /// <summary>How long a starting service waits for the database before giving up.</summary>
    [Range(0, 600)]
    public int StartupWaitSeconds { get; set; } = 30;
}
