using System.Text.Json;
using Dapper;
using Npgsql;

namespace Intake.Data;

/// <summary>The append-only audit log (the case timeline). Written in the same transaction as the action.</summary>
public static class AuditLog
{
    private const string AppendSql = """
        INSERT INTO audit_log (case_id, actor_id, actor_name, action, detail, at)
        VALUES (@CaseId, @ActorId, @ActorName, @Action, @Detail::jsonb, @At)
        """;

    // With the reads of the case's reports from before it was opened (or they were merged into it), logged with no case.
    private const string CaseTimelineSql = """
        SELECT id, case_id, actor_id, actor_name, action, detail::text AS detail, at
        FROM audit_log WHERE case_id = @CaseId
        UNION ALL
        SELECT id, case_id, actor_id, actor_name, action, detail::text AS detail, at
        FROM audit_log WHERE case_id IS NULL AND action = 'report.read'
          AND detail->>'reportId' IN (SELECT id::text FROM reports WHERE case_id = @CaseId)
        ORDER BY id
        """;

    public static Task AppendAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Actor actor, string action, DateTimeOffset at,
        Guid? caseId = null, object? detail = null) =>
        conn.ExecuteAsync(AppendSql, new
        {
            CaseId = caseId,
            ActorId = actor.Id,
            ActorName = actor.Name,
            Action = action,
            Detail = JsonSerializer.Serialize(detail ?? new { }, JsonSerializerOptions.Web),
            At = at,
        }, tx);

    public static async Task<IReadOnlyList<AuditEntry>> ForCaseAsync(NpgsqlConnection conn, Guid caseId, CancellationToken ct) =>
        (await conn.QueryAsync<AuditEntry>(new CommandDefinition(CaseTimelineSql, new { CaseId = caseId }, cancellationToken: ct))).ToList();
}
