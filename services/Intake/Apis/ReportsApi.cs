using Coordination.Hosting.Validation;
using System.Security.Claims;
using Coordination.Contracts.Advisories;
using Coordination.Hosting.Auth;
using Intake.Data;
using Intake.Reports;
using Intake.Validation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Apis;

/// <summary>/reports: anyone submits; the reporter reads status and replies with their token; members read everything.</summary>
public static class ReportsApi
{
    public const string RateLimitPolicy = "reports";
    private const string Logger = "Intake.Reports";

    public static IEndpointRouteBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/reports").WithTags("Reports");
        group.MapPost("/", Submit).AllowAnonymous().RequireRateLimiting(RateLimitPolicy).WithMetadata(new ReportBodyLimit());
        group.MapGet("/{id:guid}", Get).AllowAnonymous();
        group.MapGet("/", List).RequireAuthorization(Policies.Member);
        group.MapPost("/{id:guid}/replies", Reply).RequireAuthorization(Policies.Member);
        return app;
    }

    /// <summary>With an Idempotency-Key, a retry of the same request is answered as the first one was and creates nothing.</summary>
    public static async Task<Results<Accepted<ReportAccepted>, ValidationProblem, ProblemHttpResult>> Submit(
        ReportRequest request, HttpRequest http, NpgsqlDataSource db, TimeProvider time, IOptions<IntakeOptions> options, ILoggerFactory logs,
        CancellationToken ct)
    {
        var errors = ReportValidator.Validate(request, options.Value.MaxDescriptionChars);
        var key = IdempotencyKey.Read(http.Headers, errors);
        if (!errors.IsEmpty) return TypedResults.ValidationProblem(errors.ToDictionary());

        var logger = logs.CreateLogger(Logger);
        var now = time.GetUtcNow();
        var expiredBefore = now - IdempotencyKey.Lifetime;
        var requestHash = key is null ? [] : IdempotencyKey.RequestHash(request);
        await using var conn = await db.OpenConnectionAsync(ct);
        if (key is not null && await IdempotencyStore.FindAsync(conn, null, key.Lookup, expiredBefore, ct) is { } earlier)
            return ReportReplay.Answer(key, requestHash, earlier, logger);

        var token = ReporterToken.New();
        var credit = request.Credit;
        var report = new Report(Guid.NewGuid(), "web", request.ReporterName!.Trim(), request.ReporterEmail!.Trim(),
            string.IsNullOrWhiteSpace(request.Subject) ? null : request.Subject.Trim(),
            request.Components!.Select(c => c.Trim()).ToArray(), request.Description!,
            ReportValidator.IsArmoredPgp(request.Description!), credit?.Wanted ?? false,
            credit is { Wanted: true } && !string.IsNullOrWhiteSpace(credit.Name) ? credit.Name.Trim() : null,
            credit is { Wanted: true, Types: { } types } ? types.Select(t => CreditTypes.All.First(a => string.Equals(a, t.Trim(), StringComparison.OrdinalIgnoreCase))).Distinct().ToArray() : [],
            null, now, null);

        await using var tx = await conn.BeginTransactionAsync(ct);
        await ReportStore.TryInsertAsync(conn, tx, report, ReporterToken.Hash(token), null);
        await AuditLog.AppendAsync(conn, tx, new Actor(null, "reporter"), "report.received", report.ReceivedAt, detail: new { reportId = report.Id, report.Source });
        if (key is not null && !await IdempotencyStore.TryRememberAsync(conn, tx, key.Lookup,
                new IdempotencyStore.Entry(requestHash, report.Id, key.Seal(token, report.Id)), now, expiredBefore, ct))
        {
            await tx.RollbackAsync(ct); // a concurrent request with this key stored its report first: answer with that one
            return await IdempotencyStore.FindAsync(conn, null, key.Lookup, expiredBefore, ct) is { } winner
                ? ReportReplay.Answer(key, requestHash, winner, logger)
                : ReportReplay.InUse();
        }
        await tx.CommitAsync(ct);
        logger.ReportReceived(report.Id, report.Source);
        return TypedResults.Accepted($"/reports/{report.Id}", new ReportAccepted(report.Id, token));
    }

    /// <summary>With a member token: the whole report (the read is audited). With the reporter token: status and replies.</summary>
    public static async Task<IResult> Get(
        Guid id, ClaimsPrincipal user, [FromHeader(Name = ReporterToken.Header)] string? reporterToken,
        NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (user.Identity?.IsAuthenticated == true)
        {
            if (!Roles.All.Any(user.IsInRole)) return TypedResults.Forbid();
            var report = await ReportStore.GetAsync(conn, id, ct);
            if (report is null) return TypedResults.NotFound();
            var attachments = await ReportStore.AttachmentsAsync(conn, id, ct);
            var replies = await ReportStore.RepliesAsync(conn, id, ct);
            await AuditLog.AppendAsync(conn, null, Actor.Of(user), "report.read", time.GetUtcNow(), report.CaseId, new { reportId = id });
            return TypedResults.Ok(new ReportDetail(report.Id, report.Source, report.ReporterName, report.ReporterEmail, report.Subject,
                report.Components, report.Description, report.Encrypted, report.CreditWanted, report.CreditName, report.CreditTypes,
                report.MessageId, report.ReceivedAt, report.CaseId, Status(report),
                attachments.Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.Content.Length, Convert.ToBase64String(a.Content))).ToList(),
                replies.Select(r => new ReplyView(r.AuthorName, r.Body, r.At)).ToList()));
        }
        if (string.IsNullOrEmpty(reporterToken)) return TypedResults.Unauthorized();
        var own = await ReportStore.GetByReporterTokenAsync(conn, id, ReporterToken.Hash(reporterToken), ct);
        if (own is null) return TypedResults.Forbid();
        var ownReplies = await ReportStore.RepliesAsync(conn, id, ct);
        return TypedResults.Ok(new ReporterView(own.Id, Status(own), own.ReceivedAt, ownReplies.Select(r => new ReplyView(r.AuthorName, r.Body, r.At)).ToList()));
    }

    /// <summary>Members: the newest reports' summaries (subjects and components say what is embargoed: the read is audited,
    /// with the reports it showed).</summary>
    public static async Task<Results<Ok<List<ReportSummary>>, ValidationProblem>> List(ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time,
        CancellationToken ct, int limit = 200)
    {
        if (ListLimit.Check(limit) is { } refused) return refused;
        await using var conn = await db.OpenConnectionAsync(ct);
        var reports = await ReportStore.ListAsync(conn, limit, ct);
        await AuditLog.AppendAsync(conn, null, Actor.Of(user), "reports.listed", time.GetUtcNow(), null, new { reportIds = reports.Select(r => r.Id).ToArray() });
        return TypedResults.Ok(reports.Select(r => new ReportSummary(r.Id, r.Source, r.ReporterName, r.Subject, r.Components, r.Encrypted,
            r.ReceivedAt, r.CaseId, Status(r))).ToList());
    }

    public static async Task<Results<Created<ReplyView>, ValidationProblem, NotFound>> Reply(
        Guid id, ReplyRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > 20_000 || NoNul.Violated(request.Body))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["must be 1 to 20000 characters, without NUL (U+0000)"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var report = await ReportStore.GetAsync(conn, id, ct);
        if (report is null) return TypedResults.NotFound();
        var reply = new ReportReply(Guid.NewGuid(), id, user.MemberId(), user.MemberName(), request.Body, time.GetUtcNow());
        await ReportStore.InsertReplyAsync(conn, tx, reply);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "report.replied", reply.At, report.CaseId, new { reportId = id, replyId = reply.Id });
        await tx.CommitAsync(ct);
        return TypedResults.Created($"/reports/{id}", new ReplyView(reply.AuthorName, reply.Body, reply.At));
    }

    private static string Status(Report r) => r.CaseId is null ? "received" : "triaged";
}
