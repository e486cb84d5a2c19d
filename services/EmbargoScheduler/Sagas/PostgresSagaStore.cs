using System.Data;
using System.Text.Json;
using Dapper;
using MassTransit;
using Npgsql;

namespace EmbargoScheduler.Sagas;

/// <summary>
/// Saga rows: correlation_id, current_state, version and the instance as jsonb. Writers hold the row lock
/// (SELECT ... FOR UPDATE, or the lock of the row they just inserted) until their transaction ends.
/// </summary>
public sealed class PostgresSagaStore<TSaga>(NpgsqlDataSource dataSource, PostgresSagaOptions<TSaga> options) where TSaga : class, ISaga
{
    // {table} is the validated identifier of PostgresSagaOptions; values are always bound.
    private const string InsertIfAbsentSql = """
        INSERT INTO {table} (correlation_id, current_state, version, body) VALUES (@Id, @State, 0, @Body::jsonb)
        ON CONFLICT (correlation_id) DO NOTHING
        """;

    private const string LoadForUpdateSql = "SELECT version, body::text AS body FROM {table} WHERE correlation_id = @Id FOR UPDATE";

    private const string LoadSql = "SELECT version, body::text AS body FROM {table} WHERE correlation_id = @Id";

    private const string UpdateSql = """
        UPDATE {table} SET current_state = @State, version = version + 1, body = @Body::jsonb, updated_at = now()
        WHERE correlation_id = @Id AND (@Version::integer IS NULL OR version = @Version::integer)
        """;

    private const string DeleteSql = "DELETE FROM {table} WHERE correlation_id = @Id";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private readonly string insertIfAbsent = InsertIfAbsentSql.Replace("{table}", options.Table);
    private readonly string loadForUpdate = LoadForUpdateSql.Replace("{table}", options.Table);
    private readonly string load = LoadSql.Replace("{table}", options.Table);
    private readonly string update = UpdateSql.Replace("{table}", options.Table);
    private readonly string delete = DeleteSql.Replace("{table}", options.Table);

    public NpgsqlDataSource DataSource => dataSource;

    /// <returns>true when this transaction inserted the row (and so holds its lock); false when it existed.</returns>
    public async Task<bool> InsertIfAbsentAsync(NpgsqlTransaction tx, TSaga instance, CancellationToken ct) =>
        await tx.Connection!.ExecuteAsync(new CommandDefinition(insertIfAbsent,
            new { Id = instance.CorrelationId, State = options.CurrentState(instance), Body = Serialize(instance) }, tx, cancellationToken: ct)) == 1;

    /// <summary>Loads and locks the row until the transaction ends; waits while another transaction holds it.</summary>
    public async Task<TSaga?> LoadForUpdateAsync(NpgsqlTransaction tx, Guid correlationId, CancellationToken ct) =>
        Materialize(await tx.Connection!.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(loadForUpdate, new { Id = correlationId }, tx, cancellationToken: ct)));

    /// <summary>Reads without locking (for queries such as the HTTP API).</summary>
    public async Task<TSaga?> LoadAsync(Guid correlationId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return Materialize(await conn.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(load, new { Id = correlationId }, cancellationToken: ct)));
    }

    public async Task UpdateAsync(NpgsqlTransaction tx, TSaga instance, CancellationToken ct)
    {
        int? version = instance is ISagaVersion v ? v.Version : null;
        if (instance is ISagaVersion next) next.Version = next.Version + 1;
        var changed = await tx.Connection!.ExecuteAsync(new CommandDefinition(update,
            new { Id = instance.CorrelationId, State = options.CurrentState(instance), Body = Serialize(instance), Version = version }, tx, cancellationToken: ct));
        // The row lock makes this impossible unless someone writes the table without it; refuse rather than lose an update.
        if (changed != 1) throw new DBConcurrencyException($"saga {instance.CorrelationId} was changed concurrently (expected version {version})");
    }

    public Task DeleteAsync(NpgsqlTransaction tx, TSaga instance, CancellationToken ct) =>
        tx.Connection!.ExecuteAsync(new CommandDefinition(delete, new { Id = instance.CorrelationId }, tx, cancellationToken: ct));

    private static string Serialize(TSaga instance) => JsonSerializer.Serialize(instance, Json);

    private static TSaga? Materialize(Row? row)
    {
        if (row is null) return null;
        var instance = JsonSerializer.Deserialize<TSaga>(row.Body, Json)!;
        if (instance is ISagaVersion v) v.Version = row.Version;
        return instance;
    }

    private sealed record Row(int Version, string Body);
}
