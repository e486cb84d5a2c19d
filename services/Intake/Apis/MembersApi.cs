using Coordination.Hosting.Validation;
using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Intake.Data;
using Intake.Governance;
using Intake.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;
using System.Security.Claims;
using Coordination.Hosting.Data;

namespace Intake.Apis;

/// <summary>/members: admins add and remove members and issue and revoke their tokens; members read the list.</summary>
public static class MembersApi
{
    private const string Logger = "Intake.Members";
    private const int MaxReasonChars = 2_000; // as for leaving and removal through /team

    public static IEndpointRouteBuilder MapMembersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/members").WithTags("Members");
        group.MapPost("/", AddMember).RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListMembers).RequireAuthorization(Policies.Member);
        group.MapGet("/{id:guid}", GetMember).RequireAuthorization(Policies.Member);
        group.MapDelete("/{id:guid}", RemoveMember).RequireAuthorization(Policies.Admin);
        group.MapGet("/{id:guid}/tokens", ListTokens).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/tokens", IssueToken).RequireAuthorization(Policies.Admin);
        group.MapDelete("/{id:guid}/tokens/{tokenId:guid}", RevokeToken).RequireAuthorization(Policies.Admin);
        app.MapGet("/me", WhoAmI).WithTags("Members").RequireAuthorization(Policies.Member);
        return app;
    }

    public static async Task<Results<Created<MemberResponse>, ValidationProblem, ProblemHttpResult>> AddMember(
        MemberRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var errors = MemberValidator.Validate(request);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var member = new Member(Guid.NewGuid(), request.Name!.Trim(), request.Email!.Trim(), request.PublicHandle!, request.Role!, now);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await MemberStore.TryInsertAsync(conn, tx, member))
            return TypedResults.Problem("A current member already has this email or public handle.", statusCode: StatusCodes.Status409Conflict);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "member.added", now, detail: new { memberId = member.Id, member.Role });
        await Outbox.PublishAsync(conn, tx, new MemberJoined(member.Id, member.Name, member.PublicHandle, member.Role, now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).MemberAdded(member.Id, member.Role);
        return TypedResults.Created($"/members/{member.Id}", MemberResponse.From(member));
    }

    public static async Task<Ok<List<MemberResponse>>> ListMembers(NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var members = await MemberStore.ListCurrentAsync(conn, ct);
        return TypedResults.Ok(members.Select(MemberResponse.From).ToList());
    }

    public static async Task<Results<Ok<MemberResponse>, NotFound>> GetMember(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var member = await MemberStore.GetAsync(conn, null, id, ct);
        return member is null ? TypedResults.NotFound() : TypedResults.Ok(MemberResponse.From(member));
    }

    /// <summary>Removes a member: all their tokens stop working here at once and, via MemberAccessRevoked, everywhere.</summary>
    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RemoveMember(
        Guid id, string? reason, ClaimsPrincipal user, NpgsqlDataSource db, AdminMinimum admins, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        // A removal is recorded with its reason (PEP 811 offboarding), as POST /team/{id}/removal requires too.
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxReasonChars || NoNul.Violated(reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"is required: 1 to {MaxReasonChars} characters, without NUL (U+0000)"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var member = await MemberStore.GetForUpdateAsync(conn, tx, id);
        if (member is null || member.RemovedAt is not null) return TypedResults.NotFound();
        if (await admins.RefusalAsync(conn, tx, member, null) is { } refusal)
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status409Conflict);

        var result = await Offboarding.OffboardAsync(conn, tx, member, Actor.Of(user), user.MemberId(), reason, "member.removed", time.GetUtcNow());
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).MemberRemoved(id, result.TokensRevoked);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Ok<List<TokenResponse>>, NotFound>> ListTokens(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        if (await MemberStore.GetAsync(conn, null, id, ct) is null) return TypedResults.NotFound();
        var tokens = await MemberStore.ListTokensAsync(conn, id, ct);
        return TypedResults.Ok(tokens.Select(t => new TokenResponse(t.Id, t.IssuedAt, t.ExpiresAt, t.RevokedAt)).ToList());
    }

    public static async Task<Results<Created<IssuedToken>, ValidationProblem, NotFound>> IssueToken(
        Guid id, TokenRequest? request, ClaimsPrincipal user, NpgsqlDataSource db, TokenIssuer issuer, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (request?.ExpiresAt is { } exp && exp <= now)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["expiresAt"] = ["must be in the future"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var member = await MemberStore.GetForUpdateAsync(conn, tx, id);
        if (member is null || member.RemovedAt is not null) return TypedResults.NotFound();
        var issued = await issuer.IssueAsync(conn, tx, member, request?.ExpiresAt, user.MemberId());
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "token.issued", now, detail: new { memberId = id, issued.TokenId });
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).TokenIssued(issued.TokenId, id);
        return TypedResults.Created($"/members/{id}/tokens/{issued.TokenId}", issued);
    }

    public static async Task<Results<NoContent, NotFound>> RevokeToken(
        Guid id, Guid tokenId, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (!await MemberStore.TokenExistsAsync(conn, tx, id, tokenId)) return TypedResults.NotFound();
        // Revoking twice is harmless: the revocation row and the event are idempotent.
        await MemberStore.RevokeTokenAsync(conn, tx, id, tokenId, now);
        await RevocationStore.RevokeAsync(conn, tx, id, tokenId, now);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "token.revoked", now, detail: new { memberId = id, tokenId });
        await Outbox.PublishAsync(conn, tx, new MemberAccessRevoked(id, tokenId, now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).TokenRevoked(tokenId, id);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<MeResponse>> WhoAmI(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var member = await MemberStore.GetAsync(conn, null, user.MemberId(), ct);
        var tokenId = Guid.Parse(user.FindFirstValue(MemberTokenAuthenticationHandler.TokenIdClaim)!);
        return TypedResults.Ok(new MeResponse(user.MemberId(), user.MemberName(), user.FindFirstValue(ClaimTypes.Role)!, tokenId,
            member?.Email, member?.PublicHandle));
    }
}
