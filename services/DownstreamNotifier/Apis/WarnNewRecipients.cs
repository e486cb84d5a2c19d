using System.Security.Claims;
using Coordination.Hosting.Auth;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>
/// POST /cases/{id}/recipients/warn: during the embargo, the Embargoed notice goes to every recipient of the case not
/// warned yet: a contact or a project registered since the embargo began, a package added to a project. (A project a
/// member includes, or stops excluding, is warned by the overrides' PUT itself.) Nobody is warned by a registry change
/// alone: what goes out under embargo is a member's decision, made on the list this answers with.
/// </summary>
public static partial class WarnNewRecipients
{
    public static async Task<Results<Accepted<WarnResponse>, Ok<WarnResponse>, ProblemHttpResult>> Post(Guid id, ClaimsPrincipal user,
        NpgsqlDataSource db, IOptions<NotifierOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CaseLock.TakeAsync(conn, tx, id); // a round being recorded, or a withdrawal, falls before or after
        var (embargo, whyNot) = await NewRecipientsRound.RunningEmbargoAsync(conn, tx, id, now);
        if (embargo is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "No running embargo to warn of", detail: whyNot);
        var (round, warned) = await SendAsync(conn, tx, id, embargo, options.Value, now);
        await tx.CommitAsync(ct);
        LogWarned(loggers.CreateLogger(typeof(WarnNewRecipients)), id, warned.Count, round, user.MemberId());
        var answer = new WarnResponse(id, round, warned);
        return round is null ? TypedResults.Ok(answer) : TypedResults.Accepted($"/cases/{id}/notices", answer);
    }

    /// <summary>Sends the round for the recipients not warned yet (of <paramref name="onlyProjects"/> when set), if there
    /// are any; in the caller's transaction, under the case's lock.</summary>
    public static async Task<(Guid? Round, List<WarnedRecipient> Warned)> SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId,
        CaseEmbargo embargo, NotifierOptions options, DateTimeOffset now, Guid[]? onlyProjects = null)
    {
        var draft = await CaseStore.DraftAsync(conn, caseId, tx);
        var notWarned = onlyProjects is null
            ? await NewRecipientsRound.NotWarnedAsync(conn, tx, caseId, draft, options.MaxDepth, Guid.Empty)
            : await NewRecipientsRound.NotWarnedOfAsync(conn, tx, caseId, draft, options.MaxDepth, Guid.Empty, onlyProjects);
        if (notWarned.Count == 0) return (null, []);
        var round = Guid.NewGuid();
        await NewRecipientsRound.SendAsync(conn, tx, caseId, round, embargo, draftRevision: null, onlyProjects);
        return (round, notWarned.Select(r => new WarnedRecipient(r.ContactId, r.Email, r.ProjectId, r.ProjectName, r.Path,
            NoticeModes.For(r, options, embargo.Channels, now))).ToList());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: {Count} recipients not warned yet, round {NotificationId}, asked by member {MemberId}")]
    private static partial void LogWarned(ILogger logger, Guid caseId, int count, Guid? notificationId, Guid memberId);
}

/// <param name="NotificationId">the Embargoed round that warns them; null when every recipient has been warned.</param>
public sealed record WarnResponse(Guid CaseId, Guid? NotificationId, IReadOnlyList<WarnedRecipient> Recipients);

/// <param name="Mode">how the notice goes as things stand (it is chosen again when the round is recorded).</param>
public sealed record WarnedRecipient(Guid ContactId, string Email, Guid ProjectId, string Project, IReadOnlyList<string> Path, string Mode);
