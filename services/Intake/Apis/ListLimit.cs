using Microsoft.AspNetCore.Http.HttpResults;

namespace Intake.Apis;

/// <summary>The "limit" of a list request: 1 to 1,000 entries, newest first.</summary>
public static class ListLimit
{
    public const int Most = 1_000;

    public static ValidationProblem? Check(int limit) => limit is >= 1 and <= Most ? null
        : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"must be between 1 and {Most}"] });
}
