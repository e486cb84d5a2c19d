using Dapper;
using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// For a transaction that holds a row's lock while a mail goes out (up to the SMTP timeout) so that no other instance
/// sends it too: a server's <c>idle_in_transaction_session_timeout</c> would end the session mid-send, release the lock,
/// and let another instance claim the row and send the mail again. Off for this transaction only.
/// </summary>
public static class LockHeldWhileSending
{
    public static Task KeepAsync(NpgsqlConnection conn, NpgsqlTransaction tx) =>
        conn.ExecuteAsync("SELECT set_config('idle_in_transaction_session_timeout', '0', true)", transaction: tx);
}
