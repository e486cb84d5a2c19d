using Coordination.Hosting.Data;
using Dapper;
using Intake.Data;
using MassTransit;
using Npgsql;

namespace Intake.Consumers;

/// <summary>
/// Writes another service's event about a case into the case timeline (and moves the case's status: a
/// <see cref="CaseStatusMoves"/> statement, given <paramref name="moveArgs"/> or else only @CaseId), once per
/// message id: a redelivered event records nothing twice.
/// </summary>
public static class CaseEventRecorder
{
    public static Task RecordAsync<T>(NpgsqlDataSource db, ConsumeContext<T> context, Guid caseId, Actor actor, string action,
        DateTimeOffset at, object detail, string? statusMove = null, object? moveArgs = null) where T : class =>
        Inbox.ProcessOnceAsync(db, context, "intake-" + typeof(T).Name, async (conn, tx) =>
        {
            await AuditLog.AppendAsync(conn, tx, actor, action, at, caseId, detail);
            if (statusMove is not null) await conn.ExecuteAsync(statusMove, moveArgs ?? new { CaseId = caseId }, tx);
        });
}
