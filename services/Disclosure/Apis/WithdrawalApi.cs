using System.Security.Claims;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Validation;
using Disclosure.Data;
using Disclosure.Publishing;
using Microsoft.AspNetCore.Http.HttpResults;
using Npgsql;

namespace Disclosure.Apis;

/// <summary>
/// Members only: POST /cases/{id}/advisory/withdraw {reason} withdraws a published advisory (OSV "withdrawn", a new
/// version of every record; it stays listed). The reason becomes public in the records. AdvisoryWithdrawn tells intake,
/// which closes the case and records who withdrew it.
/// </summary>
public static class WithdrawalApi
{
    private const int MaxReasonLength = 1000;

    public sealed record WithdrawRequest(string? Reason);

    public sealed record WithdrawnResponse(string AdvisoryId, int Version);

    public static IEndpointRouteBuilder MapWithdrawalApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/cases/{caseId:guid}/advisory/withdraw", Withdraw).RequireAuthorization(Policies.Member).WithTags("Withdrawal").WithName("WithdrawAdvisory");
        return app;
    }

    public static async Task<Results<Ok<WithdrawnResponse>, ValidationProblem, NotFound, ProblemHttpResult>> Withdraw(
        Guid caseId, WithdrawRequest request, ClaimsPrincipal user, NpgsqlDataSource dataSource, AdvisoryPublisher publisher, CancellationToken ct)
    {
        var reason = request.Reason?.Trim();
        string? error = string.IsNullOrEmpty(reason) ? "is required: it is published in the withdrawn records"
            : reason.Length > MaxReasonLength ? $"must be at most {MaxReasonLength} characters"
            : NoNul.Violated(reason) ? NoNul.Rule : null;
        if (error is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [error] });

        await using var conn = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await DraftStore.LockCaseAsync(conn, tx, caseId);
        var existing = await AdvisoryStore.GetByCaseAsync(conn, tx, caseId);
        if (existing is null) return TypedResults.NotFound();
        if (existing.WithdrawnAt is not null)
            return TypedResults.Problem($"The advisory {existing.AdvisoryId} is already withdrawn.", statusCode: StatusCodes.Status409Conflict, title: "Already withdrawn");
        await publisher.WithdrawAsync(conn, tx, caseId, reason!, user.MemberId());
        await tx.CommitAsync(ct);
        return TypedResults.Ok(new WithdrawnResponse(existing.AdvisoryId, existing.CurrentVersion + 1));
    }
}
