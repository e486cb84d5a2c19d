using Dapper;
using Npgsql;

namespace DownstreamNotifier.Data;

/// <summary>
/// One transaction at a time per case for what must not interleave: recording a round's notices (each chunk), a
/// withdrawal cancelling them, and a newer draft deciding whether its new dependents need an Embargoed round. Held to
/// the end of the transaction; the next statement of the waiting one sees what the other committed.
/// </summary>
public static class CaseLock
{
    private const string LockSql = "SELECT pg_advisory_xact_lock(hashtext('notifier-case'), hashtext(@CaseId::text))";

    public static Task TakeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId) =>
        conn.ExecuteAsync(LockSql, new { CaseId = caseId }, tx);
}
