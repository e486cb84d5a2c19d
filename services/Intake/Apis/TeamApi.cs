using System.Security.Claims;
using Coordination.Contracts.Members;
using Coordination.Hosting.Data;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Http;
using Coordination.Hosting.Validation;
using Intake.Data;
using Intake.Governance;
using Intake.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Apis;

/// <summary>
/// /team: the public member list (JSON or CSV), the inactivity report, leaving, removal with a reason, role
/// changes and inactivity exemptions — PEP 811's membership rules.
/// </summary>
public static class TeamApi
{
    private const string Logger = "Intake.Governance";
    private const int MaxReasonChars = 2_000;

    public static IEndpointRouteBuilder MapTeamApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/team.csv", PublicListCsv).WithTags("Team").AllowAnonymous();
        var group = app.MapGroup("/team").WithTags("Team");
        group.MapGet("/", PublicList).AllowAnonymous();
        group.MapGet("/inactivity", Inactivity).RequireAuthorization(Policies.Member);
        group.MapPost("/leave", Leave).RequireAuthorization(Policies.Member);
        group.MapPost("/{id:guid}/removal", Remove).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/role", ChangeRole).RequireAuthorization(Policies.Admin);
        group.MapPut("/{id:guid}/exemption", SetExemption).RequireAuthorization(Policies.Admin);
        return app;
    }

    /// <summary>Name, public handle, role and since when of every current member; ?format=csv for CSV.</summary>
    public static async Task<Results<Ok<List<TeamEntry>>, ContentHttpResult, ValidationProblem>> PublicList(
        string? format, NpgsqlDataSource db, CancellationToken ct)
    {
        if (format is not null && format is not ("json" or "csv"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["must be json or csv"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        var team = await TeamStore.PublicListAsync(conn, ct);
        return format == "csv" ? TypedResults.Text(TeamCsv.Write(team), TeamCsv.ContentType) : TypedResults.Ok(team.ToList());
    }

    public static async Task<ContentHttpResult> PublicListCsv(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Text(TeamCsv.Write(await TeamStore.PublicListAsync(conn, ct)), TeamCsv.ContentType);
    }

    /// <summary>Members with no case action (audit log entries on a case) since the given instant (default one year ago).</summary>
    public static async Task<Results<Ok<InactivityReport>, ValidationProblem>> Inactivity(
        string? since, NpgsqlDataSource db, TimeProvider time, IOptions<GovernanceOptions> options, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        DateTimeOffset? from = null;
        if (since is not null)
        {
            if (!ExplicitOffset.TryParse(since, out var parsed))
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = [ExplicitOffset.Rule] });
            from = parsed;
        }
        if (from > now)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["must not be in the future"] });
        var start = from ?? now.AddDays(-options.Value.InactivityDays);
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(new InactivityReport(start, await TeamStore.InactiveSinceAsync(conn, start, ct)));
    }

    /// <summary>The caller leaves the team: their tokens stop working everywhere; their open cases are listed.</summary>
    public static async Task<Results<Ok<OffboardingResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Leave(
        ReasonRequest? request, ClaimsPrincipal user, NpgsqlDataSource db, AdminMinimum admins, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (request?.Reason is { Length: > MaxReasonChars })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"must be at most {MaxReasonChars} characters"] });
        if (NoNul.Violated(request?.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [NoNul.Rule] });
        var self = user.MemberId();
        return await OffboardAsync(self, Actor.Of(user), self, request?.Reason, "member.left", db, admins, time, logs, ct);
    }

    /// <summary>An admin removes a member, with the reason recorded.</summary>
    public static async Task<Results<Ok<OffboardingResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Remove(
        Guid id, ReasonRequest? request, ClaimsPrincipal user, NpgsqlDataSource db, AdminMinimum admins, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["is required when removing a member"] });
        if (request.Reason.Length > MaxReasonChars)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"must be at most {MaxReasonChars} characters"] });
        if (NoNul.Violated(request.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [NoNul.Rule] });
        return await OffboardAsync(id, Actor.Of(user), user.MemberId(), request.Reason.Trim(), "member.removed", db, admins, time, logs, ct);
    }

    private static async Task<Results<Ok<OffboardingResponse>, ValidationProblem, NotFound, ProblemHttpResult>> OffboardAsync(
        Guid id, Actor actor, Guid removedBy, string? reason, string action, NpgsqlDataSource db, AdminMinimum admins,
        TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var member = await MemberStore.GetForUpdateAsync(conn, tx, id);
        if (member is null || member.RemovedAt is not null) return TypedResults.NotFound();
        if (await admins.RefusalAsync(conn, tx, member, null) is { } refusal)
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict, title: "Too few admins would remain");
        var result = await Offboarding.OffboardAsync(conn, tx, member, actor, removedBy, reason, action, time.GetUtcNow()); // read under the lock
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).MemberOffboarded(id, result.TokensRevoked, result.CasesToReassign.Count);
        return TypedResults.Ok(result);
    }

    /// <summary>
    /// Changes a member's role. Their tokens carry the role they were issued with, so all are revoked (everywhere)
    /// and the member needs a new token.
    /// </summary>
    public static async Task<Results<Ok<MemberResponse>, ValidationProblem, NotFound, ProblemHttpResult>> ChangeRole(
        Guid id, RoleRequest request, ClaimsPrincipal user, NpgsqlDataSource db, AdminMinimum admins, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct)
    {
        if (request.Role is null || !Roles.All.Contains(request.Role))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"must be one of {string.Join(", ", Roles.All)}"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var member = await MemberStore.GetForUpdateAsync(conn, tx, id);
        if (member is null || member.RemovedAt is not null) return TypedResults.NotFound();
        if (member.Role == request.Role) return TypedResults.Ok(MemberResponse.From(member));
        var now = await MemberStore.RevocationInstantAsync(conn, tx, id, time.GetUtcNow());
        if (await admins.RefusalAsync(conn, tx, member, request.Role) is { } refusal)
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict, title: "Too few admins would remain");

        await MemberStore.UpdateRoleAsync(conn, tx, id, request.Role);
        var revoked = await MemberStore.RevokeAllTokensAsync(conn, tx, id, now);
        await RevocationStore.RevokeAsync(conn, tx, id, null, now);
        await Outbox.PublishAsync(conn, tx, new MemberAccessRevoked(id, null, now));
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "member.role-changed", now,
            detail: new { memberId = id, from = member.Role, to = request.Role, tokensRevoked = revoked });
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).RoleChanged(id, request.Role, revoked);
        return TypedResults.Ok(MemberResponse.From(member with { Role = request.Role }));
    }

    /// <summary>Marks a member exempt from (or subject to) the inactivity review. Release managers are always exempt.</summary>
    public static async Task<Results<NoContent, ValidationProblem, NotFound>> SetExemption(
        Guid id, ExemptionRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (request.Exempt is not { } exempt)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["exempt"] = ["is required (true or false)"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await TeamStore.SetExemptAsync(conn, tx, id, exempt)) return TypedResults.NotFound();
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "member.exemption-set", time.GetUtcNow(), detail: new { memberId = id, exempt });
        await tx.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
