using Dapper;
using Npgsql;

namespace EmbargoScheduler.Scheduling;

/// <summary>The scheduled_messages table: arm, cancel, claim what is due (marking it sending), mark it sent.</summary>
public sealed class ScheduledMessageStore(NpgsqlDataSource dataSource)
{
    public const string Channel = "embargo_scheduler_clock";

    // A redelivered or repeated ScheduleMessage re-arms a pending token; a sent or cancelled one stays as it is.
    private const string ArmSql = """
        INSERT INTO scheduled_messages (token_id, destination, due_at, message_types, content_type, body, headers,
                                        message_id, correlation_id, conversation_id, initiator_id, source_address, priority)
        VALUES (@TokenId, @Destination, @DueAt, @MessageTypes, @ContentType, @Body, @Headers::jsonb,
                @MessageId, @CorrelationId, @ConversationId, @InitiatorId, @SourceAddress, @Priority)
        ON CONFLICT (token_id) DO UPDATE SET
            destination = excluded.destination, due_at = excluded.due_at, message_types = excluded.message_types,
            content_type = excluded.content_type, body = excluded.body, headers = excluded.headers,
            message_id = excluded.message_id, correlation_id = excluded.correlation_id,
            conversation_id = excluded.conversation_id, initiator_id = excluded.initiator_id,
            source_address = excluded.source_address, priority = excluded.priority
        WHERE scheduled_messages.state = 'pending';
        SELECT pg_notify('embargo_scheduler_clock', '');
        """;

    // Unknown token: leave a tombstone, so a ScheduleMessage overtaken by its cancel is never armed. Returns a row
    // only when it inserted the tombstone (xmax 0) or cancelled a pending message (xmax: the updating transaction).
    private const string CancelSql = """
        INSERT INTO scheduled_messages (token_id, destination, due_at, message_types, content_type, body, state)
        VALUES (@TokenId, '', @Now, '', '', '', 'cancelled')
        ON CONFLICT (token_id) DO UPDATE SET state = 'cancelled', body = '', headers = NULL
        WHERE scheduled_messages.state = 'pending'
        RETURNING xmax <> 0 AS was_pending
        """;

    // Due pending messages first (ClaimDueAsync), then those whose sending ran out of lease (a clock that crashed
    // while forwarding them) or waits out a failed forward. Due by this host's clock and by PostgreSQL's alike: an
    // instance whose clock runs ahead (several share this table) cannot send a publication before its instant.
    private const string ClaimDueSql = ClaimSelect + "WHERE state = 'pending' AND due_at <= @Now AND due_at <= clock_timestamp()" + ClaimOrder;
    // A lease too: one instance's clock running ahead must not take a message from another still forwarding it.
    private const string ClaimRetrySql = ClaimSelect + "WHERE state = 'sending' AND retry_at <= @Now AND retry_at <= clock_timestamp()" + ClaimOrder;

    private const string ClaimSelect = """
        SELECT token_id, destination, due_at, message_types, content_type, body, headers::text AS headers,
               message_id, correlation_id, conversation_id, initiator_id, source_address, priority
        FROM scheduled_messages

        """;

    private const string ClaimOrder = """

        ORDER BY due_at, priority
        LIMIT @Limit
        FOR UPDATE SKIP LOCKED
        """;

    // Committed before the forward: from here on the message goes, and a cancel finds it gone. The lease runs by the
    // later of this host's clock and PostgreSQL's: a host clock running behind would end it early for the others.
    private const string MarkSendingSql = """
        UPDATE scheduled_messages SET state = 'sending', retry_at = greatest(@LeaseUntil, clock_timestamp() + make_interval(secs => @LeaseSeconds))
        WHERE token_id = ANY(@TokenIds)
        """;

    // A sent or cancelled row is kept (for retention) only to answer a late cancel: not its body nor its headers, which
    // can hold another service's embargoed message (a draft whose consumer failed is redelivered through this clock)
    // and the fault's text.
    private const string MarkSentSql = """
        UPDATE scheduled_messages SET state = 'sent', sent_at = @Now, retry_at = NULL, body = '', headers = NULL
        WHERE token_id = ANY(@TokenIds)
        """;

    // 1 s, 2 s, 4 s … at most 30 s: a publication whose forward failed (the broker was away) goes soon after it is back.
    // From the earlier of the two clocks: a retry is claimed once both have reached it, and a host clock running ahead
    // would otherwise hold it back by as much.
    private const string MarkForwardFailedSql = """
        UPDATE scheduled_messages
        SET attempts = attempts + 1, retry_at = least(@Now, clock_timestamp()) + least(interval '1 second' * power(2, least(attempts, 10)), interval '30 seconds')
        WHERE token_id = ANY(@TokenIds) AND state = 'sending' -- not one another clock sent after the lease ran out
        """;

    private const string PurgeSql = """
        DELETE FROM scheduled_messages WHERE state IN ('sent', 'cancelled') AND coalesce(sent_at, created_at) < @Before
        """;

    private const string NextDueSql = """
        SELECT least((SELECT min(due_at) FROM scheduled_messages WHERE state = 'pending'),
                     (SELECT min(retry_at) FROM scheduled_messages WHERE state = 'sending'))
        """;

    public async Task ArmAsync(ScheduledMessageRecord message, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await ArmAsync(conn, null, message, ct);
    }

    /// <summary>Arms inside the caller's transaction: the row (and the clock's wake-up) exists once that commits.</summary>
    public static Task ArmAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, ScheduledMessageRecord message, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(ArmSql, message, tx, cancellationToken: ct));

    /// <returns>true when a pending message was cancelled (false: sending or sent, already cancelled, or unknown).</returns>
    public async Task<bool> CancelAsync(Guid tokenId, DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await CancelAsync(conn, null, tokenId, now, ct);
    }

    public static async Task<bool> CancelAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tokenId, DateTimeOffset now, CancellationToken ct) =>
        await conn.ExecuteScalarAsync<bool?>(new CommandDefinition(CancelSql, new { TokenId = tokenId, Now = now }, tx, cancellationToken: ct)) == true;

    /// <summary>
    /// Claims up to <paramref name="limit"/> due messages and marks them sending, leased until
    /// <paramref name="leaseUntil"/>; the caller commits, then forwards them.
    /// </summary>
    public static async Task<IReadOnlyList<ScheduledMessageRecord>> ClaimDueAsync(
        NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken ct)
    {
        var due = (await conn.QueryAsync<ScheduledMessageRecord>(new CommandDefinition(ClaimDueSql, new { Now = now, Limit = limit }, tx, cancellationToken: ct))).AsList();
        if (due.Count < limit)
            due.AddRange(await conn.QueryAsync<ScheduledMessageRecord>(new CommandDefinition(ClaimRetrySql, new { Now = now, Limit = limit - due.Count }, tx, cancellationToken: ct)));
        if (due.Count > 0)
            await conn.ExecuteAsync(new CommandDefinition(MarkSendingSql, new { TokenIds = due.Select(m => m.TokenId).ToArray(), LeaseUntil = leaseUntil, LeaseSeconds = (leaseUntil - now).TotalSeconds }, tx, cancellationToken: ct));
        return due;
    }

    public static Task MarkSentAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<Guid> tokenIds, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(MarkSentSql, new { TokenIds = tokenIds.ToArray(), Now = now }, tx, cancellationToken: ct));

    /// <summary>The messages could not be forwarded: each stays sending and waits before it is claimed again.</summary>
    public static Task MarkForwardFailedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, IEnumerable<Guid> tokenIds, DateTimeOffset now, CancellationToken ct) =>
        conn.ExecuteAsync(new CommandDefinition(MarkForwardFailedSql, new { TokenIds = tokenIds.ToArray(), Now = now }, tx, cancellationToken: ct));

    /// <returns>How many sent or cancelled messages older than <paramref name="before"/> were deleted.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset before, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteAsync(new CommandDefinition(PurgeSql, new { Before = before }, cancellationToken: ct));
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.ExecuteScalarAsync<DateTimeOffset?>(new CommandDefinition(NextDueSql, cancellationToken: ct));
    }
}
