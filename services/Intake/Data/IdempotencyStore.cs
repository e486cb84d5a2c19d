using Dapper;
using Npgsql;

namespace Intake.Data;

/// <summary>report_idempotency_keys: which report an Idempotency-Key made, for its lifetime.</summary>
public static class IdempotencyStore
{
    public sealed record Entry(byte[] RequestHash, Guid ReportId, byte[] SealedToken);

    private const string FindSql = """
        SELECT request_hash, report_id, sealed_token FROM report_idempotency_keys
        WHERE key_hash = @KeyHash AND created_at > @ExpiredBefore
        """;

    // A live entry for the key wins (also one a concurrent request commits meanwhile: the insert waits for it); an expired
    // one is replaced.
    private const string RememberSql = """
        INSERT INTO report_idempotency_keys (key_hash, request_hash, report_id, sealed_token, created_at)
        VALUES (@KeyHash, @RequestHash, @ReportId, @SealedToken, @CreatedAt)
        ON CONFLICT (key_hash) DO UPDATE SET request_hash = excluded.request_hash, report_id = excluded.report_id,
            sealed_token = excluded.sealed_token, created_at = excluded.created_at
        WHERE report_idempotency_keys.created_at <= @ExpiredBefore
        """;

    public static Task<Entry?> FindAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, byte[] keyHash, DateTimeOffset expiredBefore, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Entry?>(new CommandDefinition(FindSql, new { KeyHash = keyHash, ExpiredBefore = expiredBefore }, tx, cancellationToken: ct));

    /// <returns>false when a live entry holds the key already.</returns>
    public static async Task<bool> TryRememberAsync(NpgsqlConnection conn, NpgsqlTransaction tx, byte[] keyHash, Entry entry, DateTimeOffset createdAt,
        DateTimeOffset expiredBefore, CancellationToken ct) =>
        await conn.ExecuteAsync(new CommandDefinition(RememberSql, new
        {
            KeyHash = keyHash, entry.RequestHash, entry.ReportId, entry.SealedToken, CreatedAt = createdAt, ExpiredBefore = expiredBefore,
        }, tx, cancellationToken: ct)) == 1;
}
