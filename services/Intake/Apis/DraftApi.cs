using System.Security.Claims;
using Coordination.Contracts.Advisories;
using Coordination.Contracts.Cases;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Intake.Cases;
using Intake.Data;
using Intake.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Intake.Apis;

/// <summary>
/// /cases/{id}/draft and /credits: every change makes a new revision and publishes AdvisoryDraftUpdated with the whole
/// draft; an edit based on a stale revision is refused with 409. Every read of the draft goes to the timeline.
/// </summary>
public static class DraftApi
{
    private const string Logger = "Intake.Drafts";

    public static IEndpointRouteBuilder MapDraftApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{id:guid}").WithTags("Drafts").RequireAuthorization(Policies.Member);
        group.MapGet("/draft", GetDraft);
        group.MapPut("/draft", EditDraft);
        group.MapPost("/credits", AddCredit);
        return app;
    }

    public static async Task<Results<Ok<DraftResponse>, NotFound>> GetDraft(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var draft = await CaseStore.GetDraftAsync(conn, tx, id);
        if (draft is null) return TypedResults.NotFound();
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "draft.read", time.GetUtcNow(), id, new { draft.Revision });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(draft);
    }

    public static async Task<Results<Ok<RevisionResponse>, ValidationProblem, NotFound, ProblemHttpResult>> EditDraft(
        Guid id, DraftEditRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var errors = DraftValidator.Validate(request.Draft, out var draft);
        if (request.Revision is null) errors.Add("revision", "is required: the revision this edit is based on");
        else if (request.Revision < 0) errors.Add("revision", "must not be negative");
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        if (c.Status == CaseStatuses.Withdrawn) return Withdrawn();
        if (c.DraftRevision != request.Revision) return Stale(request.Revision!.Value, c.DraftRevision);
        // Disclosure publishes no advisory without an affected package: under embargo, a draft naming none would leave
        // the case stuck at the instant (publication pending, withdrawal no longer possible).
        if (draft!.Affected.Count == 0 && c.Status is CaseStatuses.EmbargoRequested or CaseStatuses.Embargoed or CaseStatuses.WithdrawalRequested)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["affected"] = ["must name at least one affected package while the case is under embargo (the advisory is published at the instant)"],
            });
        // A published CVE id stays: a record under a new one would leave the first published (never REJECTED) in every
        // mirror, and none at all once removed. One assigned in error is rejected by the CNA, not edited away here. From
        // the instant on (or a break), not only once AdvisoryPublished is here: disclosure publishes the draft as it is then.
        var now = time.GetUtcNow();
        var isPublic = c.Status == CaseStatuses.Disclosed
                       || (c.Status != CaseStatuses.Withdrawn && await CaseStore.DisclosureInstantAsync(conn, tx, id) is { } instant && instant <= now);
        if (isPublic && (await CaseStore.GetDraftAsync(conn, tx, id))?.Draft.CveId is { } published
            && !string.Equals(draft.CveId, published, StringComparison.OrdinalIgnoreCase))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["cveId"] = [$"must stay {published}: the advisory is public under it (a CVE id assigned in error is rejected by the CNA, not changed here)"],
            });
        // One CVE record per CVE id: a second case publishing under it would overwrite or contradict the first's record.
        if (draft.CveId is { } cveId && await CaseStore.OtherCaseWithCveIdAsync(conn, tx, id, cveId) is { } other)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["cveId"] = [$"is the CVE id of case {other} already: one CVE id names one vulnerability (merge the reports into that case, or ask the CNA for another id)"],
            });
        var revision = await SaveAsync(conn, tx, c, draft, user, now, "draft.updated");
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).DraftUpdated(id, revision);
        return TypedResults.Ok(new RevisionResponse(revision));
    }

    /// <summary>Appends one credited person (no account needed) as a new revision.</summary>
    public static async Task<Results<Ok<RevisionResponse>, ValidationProblem, NotFound, ProblemHttpResult>> AddCredit(
        Guid id, AddCreditRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var errors = new ValidationErrors();
        var credit = CreditValidator.Validate(new Credit(request.Name!, request.Types!, request.Contact), "", errors);
        if (request.Revision < 0) errors.Add("revision", "must not be negative");
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        if (c.Status == CaseStatuses.Withdrawn) return Withdrawn();
        if (request.Revision is { } expected && expected != c.DraftRevision) return Stale(expected, c.DraftRevision);
        var current = (await CaseStore.GetDraftAsync(conn, tx, id))!.Draft;
        var credits = Credits.With(current.Credits, credit!);
        if (credits is null) return TypedResults.Ok(new RevisionResponse(c.DraftRevision)); // credited so already (a retry, a second member)
        if (Credits.Refusal(credits, "credits", "this credit", "remove one first") is { } tooMany) return TypedResults.ValidationProblem(tooMany);
        var revision = await SaveAsync(conn, tx, c, current with { Credits = credits }, user, time.GetUtcNow(), "draft.credit-added");
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).DraftUpdated(id, revision);
        return TypedResults.Ok(new RevisionResponse(revision));
    }

    internal static async Task<int> SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Case c, AdvisoryDraft draft, ClaimsPrincipal user,
        DateTimeOffset now, string action)
    {
        // The row is locked FOR UPDATE, so the conditional update cannot miss; it still guards the revision itself.
        var revision = await CaseStore.TryUpdateDraftAsync(conn, tx, c.Id, c.DraftRevision, draft, user.MemberId(), now)
                       ?? throw new InvalidOperationException("draft revision moved under a row lock");
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), action, now, c.Id, new { revision });
        await Outbox.PublishAsync(conn, tx, new AdvisoryDraftUpdated(c.Id, revision, draft, user.MemberId(), now));
        return revision;
    }

    // A withdrawn case is closed for good (nothing reopens it): its draft stays the record of what was withdrawn.
    private static ProblemHttpResult Withdrawn() => TypedResults.Problem(
        "The case is withdrawn; its advisory draft is kept as it was and can no longer be edited or credited. Open a new case if the issue comes back.",
        statusCode: StatusCodes.Status409Conflict, title: "Case withdrawn");

    private static ProblemHttpResult Stale(int given, int current) => TypedResults.Problem(
        $"The draft is at revision {current}; this edit was based on revision {given}. Reload the draft and apply the change again.",
        statusCode: StatusCodes.Status409Conflict, title: "Stale revision",
        extensions: new Dictionary<string, object?> { ["currentRevision"] = current });

}
