using Coordination.Hosting.Validation;
using System.Security.Claims;
using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Intake.Data;
using Intake.Governance;
using Intake.Members;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Apis;

/// <summary>
/// /nominations: a member nominates a candidate, which opens a vote; members vote (secretly, changeably) until the
/// deadline, when the durable clock's CloseVote decides it; an admin may record a veto and onboards the accepted.
/// </summary>
public static class NominationsApi
{
    private const string Logger = "Intake.Governance";
    private const int MaxStatementChars = 10_000;
    private const int MaxReasonChars = 2_000;

    public static IEndpointRouteBuilder MapNominationsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/nominations").WithTags("Nominations");
        group.MapPost("/", Nominate).RequireAuthorization(Policies.Member);
        group.MapGet("/", List).RequireAuthorization(Policies.Member);
        group.MapGet("/{id:guid}", Get).RequireAuthorization(Policies.Member);
        group.MapPut("/{id:guid}/vote", Vote).RequireAuthorization(Policies.Member);
        group.MapPost("/{id:guid}/veto", Veto).RequireAuthorization(Policies.Admin);
        group.MapPost("/{id:guid}/onboarding", Onboard).RequireAuthorization(Policies.Admin);
        return app;
    }

    public static async Task<Results<Created<NominationResponse>, ValidationProblem, ProblemHttpResult>> Nominate(
        NominationRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, IOptions<GovernanceOptions> options,
        ILoggerFactory logs, CancellationToken ct)
    {
        var errors = Validate(request);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var now = time.GetUtcNow();
        var nomination = new Nomination(Guid.NewGuid(), request.CandidateName!.Trim(), request.Contact!.Trim(), request.PublicHandle!,
            request.Statement!.Trim(), user.MemberId(), now, now.AddSeconds(options.Value.VotePeriodSeconds), NominationStatuses.Open,
            null, null, null, null, null, null, null, null, null, null);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await CurrentMemberAsync(conn, tx, user) is null) return NotAMember();
        // Two nominations of one handle at once would both find it free (there is no unique index on open nominations).
        await TeamStore.LockHandleAsync(conn, tx, nomination.PublicHandle);
        if (await TeamStore.HandleHeldAsync(conn, tx, nomination.PublicHandle))
            return TypedResults.Problem("This public handle belongs to a member or to a pending nomination.", statusCode: StatusCodes.Status409Conflict);

        await NominationStore.InsertAsync(conn, tx, nomination);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "nomination.opened", now,
            detail: new { nominationId = nomination.Id, nomination.PublicHandle, nomination.ClosesAt });
        await Outbox.PublishAsync(conn, tx, new MemberNominated(nomination.Id, nomination.CandidateName, nomination.PublicHandle,
            nomination.NominatedBy, nomination.ClosesAt));
        await Outbox.SendAsync(conn, tx, Queues.Address(Queues.Scheduler).ToString(), ScheduleCloseVote.For(nomination.Id, nomination.ClosesAt));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).NominationOpened(nomination.Id, nomination.ClosesAt);
        return TypedResults.Created($"/nominations/{nomination.Id}", NominationResponse.From(nomination, null));
    }

    public static async Task<Ok<List<NominationResponse>>> List(ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var mine = await NominationStore.MyVotesAsync(conn, user.MemberId(), ct);
        var all = await NominationStore.ListAsync(conn, ct);
        return TypedResults.Ok(all.Select(n => NominationResponse.From(n, mine.GetValueOrDefault(n.Id))).ToList());
    }

    /// <summary>While the vote is open only the caller's own vote is shown; the tally once it has closed.</summary>
    public static async Task<Results<Ok<NominationResponse>, NotFound>> Get(Guid id, ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var nomination = await NominationStore.GetAsync(conn, id, ct);
        if (nomination is null) return TypedResults.NotFound();
        return TypedResults.Ok(NominationResponse.From(nomination, await NominationStore.MyVoteAsync(conn, id, user.MemberId(), ct)));
    }

    /// <summary>Casts or changes the caller's vote: one vote per member, counted once, changeable until the deadline.</summary>
    public static async Task<Results<Ok<VoteResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Vote(
        Guid id, VoteRequest request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        if (request.Choice is null || !VoteChoices.All.Contains(request.Choice))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["choice"] = [$"must be one of {string.Join(", ", VoteChoices.All)}"] });
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        if (await CurrentMemberAsync(conn, tx, user) is null) return NotAMember();
        // The row lock orders this vote against the close: a vote either counts or is refused, never lost.
        var nomination = await NominationStore.GetForUpdateAsync(conn, tx, id);
        if (nomination is null) return TypedResults.NotFound();
        if (nomination.Status != NominationStatuses.Open || now >= nomination.ClosesAt)
            return TypedResults.Problem("The vote on this nomination has closed.", statusCode: StatusCodes.Status409Conflict, title: "Vote closed");

        var changed = await NominationStore.CastAsync(conn, tx, id, user.MemberId(), request.Choice, now);
        // The choice stays out of the audit log: votes are secret.
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), changed ? "nomination.vote-changed" : "nomination.voted", now, detail: new { nominationId = id });
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new VoteResponse(request.Choice, changed));
    }

    /// <summary>Records the oversight body's veto (PEP 811: the Steering Council): an accepted result becomes rejected.</summary>
    public static async Task<Results<Ok<NominationResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Veto(
        Guid id, ReasonRequest? request, ClaimsPrincipal user, NpgsqlDataSource db, TimeProvider time, ILoggerFactory logs, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request?.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = ["is required for a veto"] });
        if (request.Reason.Length > MaxReasonChars)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"must be at most {MaxReasonChars} characters"] });
        if (NoNul.Violated(request.Reason))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [NoNul.Rule] });
        var now = time.GetUtcNow();
        var reason = request.Reason.Trim();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var nomination = await NominationStore.GetForUpdateAsync(conn, tx, id);
        if (nomination is null) return TypedResults.NotFound();
        if (nomination.VetoReason is not null)
            return TypedResults.Problem("A veto is already recorded for this nomination.", statusCode: StatusCodes.Status409Conflict);
        if (nomination.MemberId is not null)
            return TypedResults.Problem("The candidate has already been onboarded; remove the member instead.", statusCode: StatusCodes.Status409Conflict);
        if (nomination.Status == NominationStatuses.Rejected)
            return TypedResults.Problem("The nomination was rejected; there is nothing to veto.", statusCode: StatusCodes.Status409Conflict);

        await NominationStore.VetoAsync(conn, tx, id, reason, user.MemberId(), now);
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "nomination.vetoed", now, detail: new { nominationId = id, reason });
        if (nomination.Status == NominationStatuses.Accepted)
            await Outbox.PublishAsync(conn, tx, new VoteClosed(id, NominationStatuses.Rejected, nomination.YesVotes ?? 0,
                nomination.NoVotes ?? 0, nomination.Abstentions ?? 0, now, reason));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).NominationVetoed(id);
        var after = nomination with
        {
            VetoReason = reason, VetoedAt = now,
            Status = nomination.Status == NominationStatuses.Accepted ? NominationStatuses.Rejected : nomination.Status,
        };
        return TypedResults.Ok(NominationResponse.From(after, null));
    }

    /// <summary>An admin makes the accepted candidate a member and receives their first token, once.</summary>
    public static async Task<Results<Created<OnboardingResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Onboard(
        Guid id, OnboardingRequest? request, ClaimsPrincipal user, NpgsqlDataSource db, TokenIssuer issuer, TimeProvider time,
        ILoggerFactory logs, CancellationToken ct)
    {
        var role = request?.Role ?? Roles.Member;
        if (!Roles.All.Contains(role))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["role"] = [$"must be one of {string.Join(", ", Roles.All)}"] });
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var nomination = await NominationStore.GetForUpdateAsync(conn, tx, id);
        if (nomination is null) return TypedResults.NotFound();
        if (nomination.MemberId is not null)
            return TypedResults.Problem("The candidate has already been onboarded; their first token was shown then.", statusCode: StatusCodes.Status409Conflict);
        if (nomination.Status != NominationStatuses.Accepted)
            return TypedResults.Problem($"Only an accepted nomination can be onboarded; this one is {nomination.Status}.", statusCode: StatusCodes.Status409Conflict);

        var member = new Member(Guid.NewGuid(), nomination.CandidateName, nomination.CandidateContact, nomination.PublicHandle, role, now);
        if (!await MemberStore.TryInsertAsync(conn, tx, member))
            return TypedResults.Problem("A current member already has this email or public handle.", statusCode: StatusCodes.Status409Conflict);
        await NominationStore.MarkOnboardedAsync(conn, tx, id, member.Id, now);
        var token = await issuer.IssueAsync(conn, tx, member, null, user.MemberId());
        await AuditLog.AppendAsync(conn, tx, Actor.Of(user), "nomination.onboarded", now,
            detail: new { nominationId = id, memberId = member.Id, member.Role, token.TokenId });
        await Outbox.PublishAsync(conn, tx, new MemberJoined(member.Id, member.Name, member.PublicHandle, member.Role, now));
        await tx.CommitAsync(ct);
        logs.CreateLogger(Logger).MemberOnboarded(id, member.Id);
        return TypedResults.Created($"/members/{member.Id}", new OnboardingResponse(MemberResponse.From(member), token));
    }

    private static async Task<Member?> CurrentMemberAsync(NpgsqlConnection conn, NpgsqlTransaction tx, ClaimsPrincipal user)
    {
        var member = await MemberStore.GetAsync(conn, tx, user.MemberId());
        return member is { RemovedAt: null } ? member : null;
    }

    private static ProblemHttpResult NotAMember() =>
        TypedResults.Problem("Only current members (listed in /members) nominate and vote.", statusCode: StatusCodes.Status403Forbidden);

    private static Dictionary<string, string[]> Validate(NominationRequest r)
    {
        // The candidate must pass the member rules they will be onboarded with.
        var asMember = MemberValidator.Validate(new MemberRequest(r.CandidateName, r.Contact, r.PublicHandle, Roles.Member));
        var errors = new Dictionary<string, string[]>();
        foreach (var (field, messages) in asMember)
            errors[field switch { "name" => "candidateName", "email" => "contact", _ => field }] = messages;
        if (string.IsNullOrWhiteSpace(r.Statement)) errors["statement"] = ["is required: the candidate's security experience"];
        else if (r.Statement.Length > MaxStatementChars) errors["statement"] = [$"must be at most {MaxStatementChars} characters"];
        else if (NoNul.Violated(r.Statement)) errors["statement"] = [NoNul.Rule];
        return errors;
    }
}
