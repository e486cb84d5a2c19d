using Coordination.Hosting.Validation;
using Intake.Validation;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Coordination.Contracts.Embargo;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Intake.Cases;
using Intake.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Intake.Apis;

/// <summary>/cases/{id}/embargo and /withdraw: commands to the embargo-scheduler, sent through the outbox.</summary>
public static partial class CaseActionsApi
{
    private const string Logger = "Intake.Cases";
    private static readonly string SchedulerQueue = Queues.Address(Queues.EmbargoScheduler).ToString();

    public static IEndpointRouteBuilder MapCaseActionsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{id:guid}").WithTags("Cases").RequireAuthorization(Policies.Member);
        group.MapPost("/embargo", StartEmbargo);
        group.MapPost("/withdraw", Withdraw);
        return app;
    }

    public static async Task<Results<Accepted<EmbargoAccepted>, ValidationProblem, NotFound, ProblemHttpResult>> StartEmbargo(
        Guid id, EmbargoRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        if (request.DisclosureAt is not { } at) errors["disclosureAt"] = ["is required (UTC, e.g. 2026-12-01T14:00:00Z)"];
        else if (at <= now) errors["disclosureAt"] = ["must be in the future"];
        var channels = request.Channels ?? [];
        if (channels.Count == 0) errors["channels"] = ["needs at least one channel (e.g. distros, default)"];
        for (var i = 0; i < channels.Count; i++)
            if (channels[i] is null || !Channel().IsMatch(channels[i]))
                errors[$"channels[{i}]"] = ["must be lowercase letters, digits and '-', at most 40 characters"];
        if (channels.Distinct().Count() != channels.Count && !errors.ContainsKey("channels")) errors["channels"] = ["lists a channel twice"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        if (c.Status != CaseStatuses.Open)
            return TypedResults.Problem(c.Status switch
            {
                CaseStatuses.EmbargoRequested => "An embargo was already requested for this case; its answer comes on the timeline.",
                CaseStatuses.Embargoed => "The case is already under embargo; extend or break it at the embargo-scheduler.",
                CaseStatuses.Disclosed => "The case is already disclosed.",
                _ => "The case is withdrawn.",
            }, statusCode: StatusCodes.Status409Conflict);
        if (c.DraftRevision == 0)
            return TypedResults.Problem("The case has no advisory draft yet; write one before starting the embargo.", statusCode: StatusCodes.Status409Conflict);
        // Disclosure publishes no advisory without an affected product (CVE 5 and CSAF require one): say so now, not at the instant.
        if (await CaseStore.GetDraftAsync(conn, tx, id) is not { Draft.Affected.Count: > 0 })
            return TypedResults.Problem("The advisory draft names no affected package; add one before starting the embargo.", statusCode: StatusCodes.Status409Conflict);

        await CaseStore.SetStatusAsync(conn, tx, id, CaseStatuses.EmbargoRequested);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "embargo.requested", now, id, new { disclosureAt = request.DisclosureAt!.Value.ToUniversalTime(), channels });
        var disclosureAt = request.DisclosureAt!.Value.ToUniversalTime();
        await Outbox.SendAsync(conn, tx, SchedulerQueue, new StartEmbargo(id, disclosureAt, channels, user.MemberId(), now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).EmbargoRequested(id, channels.Count);
        return TypedResults.Accepted($"/cases/{id}/timeline", new EmbargoAccepted(id, disclosureAt, channels));
    }

    public static async Task<Results<Accepted, ValidationProblem, NotFound, ProblemHttpResult>> Withdraw(
        Guid id, WithdrawRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 2000 || NoNul.Violated(request.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["must be 1 to 2000 characters, without NUL (U+0000) (e.g. not a vulnerability, duplicate of ...)"] });
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var c = await CaseStore.GetForUpdateAsync(conn, tx, id);
        if (c is null) return TypedResults.NotFound();
        if (c.Status is CaseStatuses.Disclosed or CaseStatuses.Withdrawn or CaseStatuses.WithdrawalRequested)
            return TypedResults.Problem(c.Status == CaseStatuses.Disclosed ? "The case is disclosed; it can no longer be withdrawn."
                : "The case is already withdrawn, or its withdrawal was requested.", statusCode: StatusCodes.Status409Conflict);
        // The saga refuses a withdrawal once the instant has come; answering 202 would only have it refused later.
        if (await CaseStore.DisclosureInstantAsync(conn, tx, id) is { } instant && instant <= now)
            return TypedResults.Problem($"The disclosure instant {instant.ToUniversalTime():O} has passed; the case can no longer be withdrawn (the advisory is being published).",
                statusCode: StatusCodes.Status409Conflict, title: "Disclosure instant passed");
        await CaseStore.RequestWithdrawalAsync(conn, tx, id);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "case.withdrawal-requested", now, id, new { reason = request.Reason });
        await Outbox.SendAsync(conn, tx, SchedulerQueue, new WithdrawCase(id, request.Reason.Trim(), user.MemberId(), now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).WithdrawRequested(id);
        return TypedResults.Accepted($"/cases/{id}/timeline");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}\\z")]
    private static partial Regex Channel();
}
