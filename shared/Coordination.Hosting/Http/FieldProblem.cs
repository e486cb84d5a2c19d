using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Coordination.Hosting.Http;

/// <summary>A problem other than 400 that still names the field at fault, in "errors" as a validation problem does.</summary>
public static class FieldProblem
{
    public static ProblemHttpResult Of(int status, string title, string detail, string field, string rule) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title,
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [rule] } });
}
