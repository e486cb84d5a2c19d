using Coordination.Hosting.Http;
using Intake.Data;
using Intake.Reports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Apis;

/// <summary>The answer to a POST /reports whose Idempotency-Key made a report already.</summary>
public static class ReportReplay
{
    public static Results<Accepted<ReportAccepted>, ValidationProblem, ProblemHttpResult> Answer(
        IdempotencyKey key, byte[] requestHash, IdempotencyStore.Entry earlier, ILogger logger)
    {
        if (!earlier.RequestHash.AsSpan().SequenceEqual(requestHash))
            return Refused(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused",
                "was used with a different request; a retry must send the same request, a new request a new key");
        // Unreadable only if the row was not written for this key (the hash matched by chance, or it was altered).
        if (key.Open(earlier.SealedToken, earlier.ReportId) is not { } token)
            return Refused(StatusCodes.Status409Conflict, "Idempotency-Key in use", "is held by another request; send a new key");
        logger.ReportReplayed(earlier.ReportId);
        return TypedResults.Accepted($"/reports/{earlier.ReportId}", new ReportAccepted(earlier.ReportId, token));
    }

    /// <summary>When a concurrent request with the key holds it but its entry cannot be read (expired in between).</summary>
    public static ProblemHttpResult InUse() =>
        Refused(StatusCodes.Status409Conflict, "Idempotency-Key in use", "is used by a concurrent request; retry it");

    private static ProblemHttpResult Refused(int status, string title, string rule) =>
        FieldProblem.Of(status, title, $"The {IdempotencyKey.Header} {rule}.", IdempotencyKey.Header, rule);
}
