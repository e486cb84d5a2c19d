using System.Security.Claims;
using Coordination.Contracts.Embargo;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Hosting.Http;
using Coordination.Hosting.Validation;
using EmbargoScheduler.Policy;
using EmbargoScheduler.Sagas;
using EmbargoScheduler.StateMachines;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace EmbargoScheduler.Apis;

/// <summary>
/// /cases/{id}/embargo for members. Extend and break are checked here against the saga's current state and the
/// policy (so a refusal is an immediate 409/422 naming the field), then sent to the saga through the outbox;
/// the saga checks again when it acts, as the state may have moved in between.
/// </summary>
public static class EmbargoApi
{
    private const int MaxReasonLength = 2000;

    public static IEndpointRouteBuilder MapEmbargoApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{id:guid}/embargo").RequireAuthorization(Policies.Member).WithTags("Embargo");
        group.MapGet("/", GetEmbargo).WithName("GetEmbargo");
        group.MapPost("/extend", ExtendEmbargo).WithName("ExtendEmbargo");
        group.MapPost("/break", BreakEmbargo).WithName("BreakEmbargo");
        return app;
    }

    public static async Task<Results<Ok<EmbargoResponse>, NotFound>> GetEmbargo(
        Guid id, PostgresSagaStore<CoordinationState> sagas, EmbargoPolicy policy, CancellationToken ct)
    {
        var saga = await sagas.LoadAsync(id, ct);
        if (saga is null) return TypedResults.NotFound();
        var inForce = saga.Channels.Count > 0 ? policy.LimitsInForce(saga.Channels, saga.LimitsAtStart) : null;
        var limits = new EmbargoLimits(
            policy.Options.Channels, inForce?.MaxDays,
            saga.StartedAt is { } started ? inForce?.LatestDisclosure(started) : null,
            policy.Options.MinimumLeadTime, policy.Options.EffectiveReminderOffsets,
            policy.Options.MaxExtensions, inForce?.MaxExtensions);
        return TypedResults.Ok(new EmbargoResponse(saga.CorrelationId, saga.CurrentState ?? "Initial", saga.DisclosureAt, saga.Channels,
            saga.StartedAt, saga.LatestRevision, limits, saga.Extensions, saga.Refusals, saga.BreakReason, saga.BrokenAt,
            saga.AdvisoryId, saga.PublishedAt));
    }

    public static async Task<Results<Accepted, ValidationProblem, NotFound, ProblemHttpResult>> ExtendEmbargo(
        Guid id, ExtendEmbargoRequest request, ClaimsPrincipal user, PostgresSagaStore<CoordinationState> sagas, EmbargoPolicy policy,
        NpgsqlDataSource dataSource, TimeProvider time, ILogger<EmbargoPolicy> logger, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.DisclosureAt is null) errors["disclosureAt"] = ["is required (an RFC 3339 instant)"];
        CheckReason(request.Reason, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var saga = await sagas.LoadAsync(id, ct);
        if (saga is null) return TypedResults.NotFound();
        if (saga.CurrentState != "Embargoed") return WrongState(saga, "extended");
        var now = time.GetUtcNow();
        if (saga.DisclosureAt <= now) return InstantPassed(saga, "extended");

        // The instant in UTC, as intake sends StartEmbargo: it goes on into the saga, the timeline and the notifier's rounds.
        var disclosureAt = request.DisclosureAt!.Value.ToUniversalTime();
        var embargo = saga.AsRunningEmbargo();
        logger.WarnIfChannelsUnconfigured(policy, id, embargo);
        var decision = policy.EvaluateExtension(embargo, disclosureAt, now);
        if (!decision.Allowed) return OutOfPolicy(decision);

        await SendAsync(dataSource, new ExtendEmbargo(id, disclosureAt, request.Reason!.Trim(), user.MemberId(), now), ct);
        return TypedResults.Accepted($"/cases/{id}/embargo");
    }

    public static async Task<Results<Accepted, ValidationProblem, NotFound, ProblemHttpResult>> BreakEmbargo(
        Guid id, BreakEmbargoRequest request, ClaimsPrincipal user, PostgresSagaStore<CoordinationState> sagas,
        NpgsqlDataSource dataSource, TimeProvider time, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        CheckReason(request.Reason, errors);
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var saga = await sagas.LoadAsync(id, ct);
        if (saga is null) return TypedResults.NotFound();
        if (saga.CurrentState != "Embargoed") return WrongState(saga, "broken");
        var now = time.GetUtcNow();
        if (saga.DisclosureAt <= now) return InstantPassed(saga, "broken");

        await SendAsync(dataSource, new BreakEmbargo(id, request.Reason!.Trim(), user.MemberId(), now), ct);
        return TypedResults.Accepted($"/cases/{id}/embargo");
    }

    private static void CheckReason(string? reason, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(reason)) errors["reason"] = ["is required"];
        else if (reason.Length > MaxReasonLength) errors["reason"] = [$"must be at most {MaxReasonLength} characters"];
        else if (NoNul.Violated(reason)) errors["reason"] = [NoNul.Rule];
    }

    private static ProblemHttpResult WrongState(CoordinationState saga, string verb) =>
        TypedResults.Problem(
            detail: $"the embargo can only be {verb} while the case is Embargoed; it is {saga.CurrentState ?? "Initial"}",
            statusCode: StatusCodes.Status409Conflict, title: "Wrong state",
            extensions: new Dictionary<string, object?> { ["state"] = saga.CurrentState });

    // The saga is still Embargoed until it handles its DisclosureDue, but the clock is publishing: as wrong a state as Disclosing.
    private static ProblemHttpResult InstantPassed(CoordinationState saga, string verb) =>
        TypedResults.Problem(
            detail: $"the embargo can no longer be {verb}: {EmbargoPolicy.InstantPassed(saga.DisclosureAt!.Value)}",
            statusCode: StatusCodes.Status409Conflict, title: "Wrong state",
            extensions: new Dictionary<string, object?> { ["state"] = "Disclosing" });

    private static ProblemHttpResult OutOfPolicy(PolicyDecision decision) =>
        FieldProblem.Of(StatusCodes.Status422UnprocessableEntity, "Outside the embargo policy", decision.Reason!, decision.Field!, decision.Reason!);

    private static async Task SendAsync<T>(NpgsqlDataSource dataSource, T command, CancellationToken ct) where T : class
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Outbox.SendAsync(conn, tx, Queues.Address(Queues.EmbargoScheduler).ToString(), command);
        await tx.CommitAsync(ct);
    }
}
