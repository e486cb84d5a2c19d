using System.Security.Claims;
using Coordination.Hosting.Auth;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>
/// POST /cases/{id}/notices/resend: a member puts a case's failed notices (all, or those of the contacts named) back in
/// the senders' queue, once the cause is fixed (the contact's address or key, the mail server). Each goes to the
/// contact's current address, encrypted to their current key, with its attempts counted afresh; one that would say
/// something no longer true stays failed, with the reason in the answer (<see cref="ResendRule"/>). Its round reports
/// its progress again and a second DownstreamNotified with the new counts.
/// </summary>
public static partial class ResendNotices
{
    private const int MaxContacts = 10_000;

    public static async Task<Results<Accepted<ResendResponse>, ValidationProblem>> Post(Guid id, ResendRequest? request, ClaimsPrincipal user,
        NpgsqlDataSource db, NoticeSignal signal, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var contactIds = request?.ContactIds?.Distinct().ToArray();
        if (contactIds is { Length: 0 })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["contactIds"] = ["names no contact; leave it out to resend every failed notice of the case"] });
        if (contactIds is { Length: > MaxContacts })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contactIds"] = [$"at most {MaxContacts} contacts"] });

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CaseLock.TakeAsync(conn, tx, id); // a withdrawal cancelling the case's notices falls before or after, not between
        if (contactIds is not null)
        {
            var known = await ResendStore.ContactsWithNoticesAsync(conn, tx, id, contactIds);
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < request!.ContactIds!.Count; i++)
                if (!known.Contains(request.ContactIds[i])) errors[$"contactIds[{i}]"] = ["has no notice in this case"];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        }

        var failed = await ResendStore.FailedAsync(conn, tx, id, contactIds);
        var embargo = await CaseStore.EmbargoAsync(conn, id, tx);
        var acknowledged = await ResendStore.AcknowledgedAsync(conn, tx, id);
        var resent = new List<FailedNotice>();
        var notResent = new List<NotResentNotice>();
        foreach (var n in failed)
        {
            if (ResendRule.WhyNot(n, embargo, acknowledged.Contains(n.ContactId)) is { } reason)
                notResent.Add(new(n.NoticeId, n.ContactId, n.Email, n.Kind, reason));
            else resent.Add(n);
        }
        if (resent.Count > 0) await ResendStore.RequeueAsync(conn, tx, resent, time.GetUtcNow());
        await tx.CommitAsync(ct);
        if (resent.Count > 0) signal.Pulse();
        LogResent(loggers.CreateLogger(typeof(ResendNotices)), id, resent.Count, notResent.Count, user.MemberId());
        return TypedResults.Accepted($"/cases/{id}/notices", new ResendResponse(id,
            resent.Select(n => new ResentNotice(n.NoticeId, n.ContactId, n.Email, n.Kind, n.LastError)).ToList(), notResent));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: {Resent} failed notices queued again ({NotResent} out of date or undeliverable) at the request of member {MemberId}")]
    private static partial void LogResent(ILogger logger, Guid caseId, int resent, int notResent, Guid memberId);
}
