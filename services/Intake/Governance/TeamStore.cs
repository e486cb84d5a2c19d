using Dapper;
using Npgsql;

namespace Intake.Governance;

/// <summary>Governance reads and writes on the member list: the public view, exemptions, inactivity, open cases.</summary>
public static class TeamStore
{
    private const string PublicListSql = """
        SELECT name, public_handle, role, joined_at AS since
        FROM members WHERE removed_at IS NULL ORDER BY joined_at, lower(public_handle)
        """;

    private const string SetExemptSql = """
        UPDATE members SET exempt_from_inactivity = @Exempt WHERE id = @Id AND removed_at IS NULL
        """;

    private const string InactiveSql = """
        SELECT m.id, m.name, m.public_handle, m.role, m.joined_at,
               (SELECT max(a.at) FROM audit_log a WHERE a.actor_id = m.id AND a.case_id IS NOT NULL) AS last_case_action_at
        FROM members m
        WHERE m.removed_at IS NULL
          AND NOT m.exempt_from_inactivity
          AND m.role <> 'release-manager'
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.actor_id = m.id AND a.case_id IS NOT NULL AND a.at >= @Since)
        ORDER BY m.joined_at, m.id
        """;

    private const string OpenCasesSql = """
        SELECT id AS case_id, status FROM cases
        WHERE coordinator_id = @MemberId AND status NOT IN ('disclosed', 'withdrawn')
        ORDER BY opened_at, id
        """;

    private const string HandleHeldSql = """
        SELECT EXISTS (SELECT 1 FROM members WHERE lower(public_handle) = lower(@Handle) AND removed_at IS NULL)
            OR EXISTS (SELECT 1 FROM nominations WHERE lower(public_handle) = lower(@Handle)
                       AND (status = 'open' OR (status = 'accepted' AND member_id IS NULL)))
        """;

    // Held to the end of the transaction: the check that a handle is free and the insert that takes it are one step.
    private const string LockHandleSql = "SELECT pg_advisory_xact_lock(hashtext('intake-handle'), hashtext(lower(@Handle)))";

    private const string CountMembersAtSql = "SELECT count(*) FROM members WHERE joined_at <= @At AND (removed_at IS NULL OR removed_at > @At)";

    public static async Task<IReadOnlyList<TeamEntry>> PublicListAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.QueryAsync<TeamEntry>(new CommandDefinition(PublicListSql, cancellationToken: ct))).ToList();

    public static async Task<bool> SetExemptAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, bool exempt) =>
        await conn.ExecuteAsync(SetExemptSql, new { Id = id, Exempt = exempt }, tx) == 1;

    public static async Task<IReadOnlyList<InactiveMember>> InactiveSinceAsync(NpgsqlConnection conn, DateTimeOffset since, CancellationToken ct) =>
        (await conn.QueryAsync<InactiveMember>(new CommandDefinition(InactiveSql, new { Since = since }, cancellationToken: ct))).ToList();

    public static async Task<IReadOnlyList<OpenCase>> OpenCasesCoordinatedByAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId) =>
        (await conn.QueryAsync<OpenCase>(OpenCasesSql, new { MemberId = memberId }, tx)).ToList();

    /// <summary>Held by a current member, an open nomination, or an accepted candidate not yet onboarded.</summary>
    public static Task LockHandleAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string handle) =>
        conn.ExecuteAsync(LockHandleSql, new { Handle = handle }, tx);

    public static Task<bool> HandleHeldAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string handle) =>
        conn.ExecuteScalarAsync<bool>(HandleHeldSql, new { Handle = handle }, tx);

    /// <summary>How many were members at <paramref name="at"/> (joined by then, not removed by then).</summary>
    public static Task<int> CountMembersAtAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset at) =>
        conn.ExecuteScalarAsync<int>(CountMembersAtSql, new { At = at }, tx);
}
