using Dapper;
using Npgsql;

namespace Intake.Imap;

/// <summary>imap_mailbox_marks: the UID through which the poller has taken each mailbox.</summary>
public static class MailboxMarkStore
{
    private const string GetSql = "SELECT taken_through FROM imap_mailbox_marks WHERE mailbox = @Mailbox AND uid_validity = @UidValidity";

    // A new UIDVALIDITY (the folder was recreated) starts the mark afresh; within one, it only moves forward (two
    // instances polling at once).
    private const string AdvanceSql = """
        INSERT INTO imap_mailbox_marks (mailbox, uid_validity, taken_through) VALUES (@Mailbox, @UidValidity, @TakenThrough)
        ON CONFLICT (mailbox) DO UPDATE SET uid_validity = excluded.uid_validity,
            taken_through = CASE WHEN imap_mailbox_marks.uid_validity = excluded.uid_validity
                                 THEN greatest(imap_mailbox_marks.taken_through, excluded.taken_through)
                                 ELSE excluded.taken_through END
        """;

    /// <returns>null when the mailbox was never polled, or not with this UIDVALIDITY.</returns>
    public static async Task<uint?> GetAsync(NpgsqlDataSource db, string mailbox, uint uidValidity, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return (uint?)await conn.ExecuteScalarAsync<long?>(new CommandDefinition(GetSql, new { Mailbox = mailbox, UidValidity = (long)uidValidity }, cancellationToken: ct));
    }

    public static async Task AdvanceAsync(NpgsqlDataSource db, string mailbox, uint uidValidity, uint takenThrough, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(AdvanceSql,
            new { Mailbox = mailbox, UidValidity = (long)uidValidity, TakenThrough = (long)takenThrough }, cancellationToken: ct));
    }
}
