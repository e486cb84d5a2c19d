using Coordination.Hosting.Data;
using Dapper;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>
/// Writes another service's event about a case into the case timeline (and moves the case's status), once per
/// message id: a redelivered event records nothing twice.
/// </summary>
public static class CaseEventRecorder
{
    private const string SetStatusSql = """
        UPDATE cases SET status = @Status WHERE id = @CaseId AND (@OnlyFrom::text IS NULL OR status = @OnlyFrom)
        """;

    public static Task RecordAsync<T>(NpgsqlDataSource db, ConsumeContext<T> context, Guid caseId, Actor actor, string action,
        DateTimeOffset at, object detail, string? status = null, string? onlyFromStatus = null) where T : class =>
        Inbox.ProcessOnceAsync(db, context, "intake-" + typeof(T).Name, async (conn, tx) =>
        {
            await AuditLog.AppendAsync(conn, tx, actor, action, at, caseId, detail);
            if (status is not null)
                await conn.ExecuteAsync(SetStatusSql, new { CaseId = caseId, Status = status, OnlyFrom = onlyFromStatus }, tx);
        });
}
