using System.Security.Claims;
using System.Text.Json;
using Coordination.Contracts.Cases;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Intake.Cases;
using Intake.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Intake.Apis;

/// <summary>/cases: members open cases from reports, merge duplicates, assign the coordinator, read the timeline.</summary>
public static class CasesApi
{
    private const string Logger = "Intake.Cases";
    private const int MaxReports = 50;

    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases").WithTags("Cases").RequireAuthorization(Policies.Member);
        group.MapPost("/", Open);
        group.MapGet("/", List);
        group.MapGet("/{id:guid}", Get);
        group.MapPost("/{id:guid}/reports", MergeReports);
        group.MapPut("/{id:guid}/coordinator", AssignCoordinator);
        group.MapGet("/{id:guid}/timeline", Timeline);
        return app;
    }

    public static async Task<Results<Created<CaseResponse>, ValidationProblem, ProblemHttpResult>> Open(
        OpenCaseRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (CheckReportIds(request.ReportIds) is { } invalid) return invalid;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var coordinator = request.CoordinatorId ?? user.MemberId();
        if (request.CoordinatorId is { } chosen && await CurrentMember(conn, tx, chosen) is { } notMember) return notMember;
        var (unknown, taken) = await LockUnassignedReports(conn, tx, request.ReportIds!);
        var ids = request.ReportIds!.Distinct().ToList();
        if (unknown is not null) return unknown;
        if (taken is not null) return taken;

        var c = new Case(Guid.NewGuid(), CaseStatuses.Open, coordinator, user.MemberId(), now, 0);
        await CaseStore.InsertAsync(conn, tx, c);
        await ReportStore.AssignCaseAsync(conn, tx, c.Id, ids);
        ids.AddRange(await ReportStore.AssignFollowUpsAsync(conn, tx, c.Id, ids));
        if (ReporterCredits.AddTo(CaseStore.EmptyDraft, await ReportStore.ForCaseAsync(conn, tx, c.Id)) is { } credited)
        {
            if (Credits.Refusal(credited.Credits, "reportIds", "crediting these reports' reporters", "open the case with fewer") is { } tooMany)
                return TypedResults.ValidationProblem(tooMany);
            await CaseStore.SetInitialDraftAsync(conn, tx, c.Id, credited);
        }
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "case.opened", now, c.Id, new { reportIds = ids, coordinatorId = coordinator });
        await Outbox.PublishAsync(conn, tx, new CaseOpened(c.Id, coordinator, ids, now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).CaseOpened(c.Id, ids.Count);
        return TypedResults.Created($"/cases/{c.Id}", Response(c, ids));
    }

    public static async Task<Results<Ok<List<CaseResponse>>, ValidationProblem>> List(NpgsqlDataSource db, CancellationToken ct, int limit = 200)
    {
        if (ListLimit.Check(limit) is { } refused) return refused;
        await using var conn = await db.OpenConnectionAsync(ct);
        var cases = await CaseStore.ListAsync(conn, limit, ct);
        var result = new List<CaseResponse>();
        foreach (var c in cases)
            result.Add(Response(c, (await ReportStore.ForCaseAsync(conn, null, c.Id)).Select(r => r.Id).ToList()));
        return TypedResults.Ok(result);
    }

    public static async Task<Results<Ok<CaseResponse>, NotFound>> Get(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var c = await CaseStore.GetAsync(conn, id, ct);
        if (c is null) return TypedResults.NotFound();
        return TypedResults.Ok(Response(c, (await ReportStore.ForCaseAsync(conn, null, id)).Select(r => r.Id).ToList()));
    }

    /// <summary>Adds duplicate reports to the case, crediting their reporters in its draft unless the case is withdrawn
    /// (its draft is then the record of what was withdrawn; the reports are filed with it all the same).</summary>
    public static async Task<Results<Ok<CaseResponse>, ValidationProblem, ProblemHttpResult, NotFound>> MergeReports(
        Guid id, MergeReportsRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (CheckReportIds(request.ReportIds) is { } invalid) return invalid;
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        var (unknown, taken) = await LockUnassignedReports(conn, tx, request.ReportIds!, id);
        var ids = request.ReportIds!.Distinct().ToList();
        if (unknown is not null) return unknown;
        if (taken is not null) return taken;
        await ReportStore.AssignCaseAsync(conn, tx, id, ids);
        ids.AddRange(await ReportStore.AssignFollowUpsAsync(conn, tx, id, ids));
        var now = time.GetUtcNow();
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "case.reports-merged", now, id, new { reportIds = ids });
        var reports = await ReportStore.ForCaseAsync(conn, tx, id);
        var draft = (await CaseStore.GetDraftAsync(conn, tx, id))!.Draft;
        if (c.Status != CaseStatuses.Withdrawn && ReporterCredits.AddTo(draft, reports.Where(r => ids.Contains(r.Id))) is { } credited)
        {
            if (Credits.Refusal(credited.Credits, "reportIds", "crediting these reports' reporters", "merge fewer, or remove credits from the draft first") is { } tooMany)
                return TypedResults.ValidationProblem(tooMany);
            c = c with { DraftRevision = await DraftApi.SaveAsync(conn, tx, c, credited, user, now, "draft.reporter-credits") };
        }
        var all = reports.Select(r => r.Id).ToList();
        await tx.CommitAsync(ct);
        return TypedResults.Ok(Response(c, all));
    }

    public static async Task<Results<Ok<CaseResponse>, ValidationProblem, NotFound>> AssignCoordinator(
        Guid id, AssignCoordinatorRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (request.MemberId is not { } memberId)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["memberId"] = ["is required"] });
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        if (await CurrentMember(conn, tx, memberId, "memberId") is { } notMember) return notMember;
        await CaseStore.SetCoordinatorAsync(conn, tx, id, memberId);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "case.coordinator-assigned", now, id, new { coordinatorId = memberId });
        await Outbox.PublishAsync(conn, tx, new CoordinatorAssigned(id, memberId, user.MemberId(), now));
        var reports = (await ReportStore.ForCaseAsync(conn, tx, id)).Select(r => r.Id).ToList();
        await tx.CommitAsync(ct);
        return TypedResults.Ok(Response(c with { CoordinatorId = memberId }, reports));
    }

    public static async Task<Results<Ok<List<TimelineEntry>>, NotFound>> Timeline(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await CaseStore.GetAsync(conn, id, ct) is null) return TypedResults.NotFound();
        var entries = await AuditLog.ForCaseAsync(conn, id, ct);
        return TypedResults.Ok(entries.Select(e => new TimelineEntry(e.At, e.ActorId, e.ActorName, e.Action, JsonDocument.Parse(e.Detail).RootElement.Clone())).ToList());
    }

    private static CaseResponse Response(Case c, IReadOnlyList<Guid> reportIds) =>
        new(c.Id, c.Status, c.CoordinatorId, c.OpenedBy, c.OpenedAt, c.DraftRevision, reportIds);

    private static ValidationProblem? CheckReportIds(IReadOnlyList<Guid>? ids)
    {
        if (ids is null || ids.Count == 0)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reportIds"] = ["needs at least one report id"] });
        if (ids.Count > MaxReports)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reportIds"] = [$"must have at most {MaxReports} ids"] });
        return null;
    }

    /// <summary>Locks the reports; each must exist and belong to no case (or already to <paramref name="caseId"/>). An
    /// unknown id is named by its place in the request, duplicates counted.</summary>
    private static async Task<(ValidationProblem? Unknown, ProblemHttpResult? Taken)> LockUnassignedReports(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<Guid> ids, Guid? caseId = null)
    {
        var found = (await ReportStore.LockManyAsync(conn, tx, ids.Distinct().ToList())).ToDictionary(r => r.Id);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < ids.Count; i++)
            if (!found.ContainsKey(ids[i])) errors[$"reportIds[{i}]"] = ["no such report"];
        if (errors.Count > 0) return (TypedResults.ValidationProblem(errors), null);
        var taken = found.Values.Where(r => r.CaseId is { } other && other != caseId).ToList();
        return taken.Count == 0 ? (null, null) : (null, TypedResults.Problem(
            $"Report(s) {string.Join(", ", taken.Select(r => r.Id))} already belong to a case; merge into that case instead.",
            statusCode: StatusCodes.Status409Conflict));
    }

    private static async Task<ValidationProblem?> CurrentMember(NpgsqlConnection conn, NpgsqlTransaction tx, Guid memberId, string field = "coordinatorId")
    {
        var member = await MemberStore.GetAsync(conn, tx, memberId);
        return member is { RemovedAt: null } ? null
            : TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["must be a current member"] });
    }
}
