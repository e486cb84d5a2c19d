using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace Intake.Apis;

/// <summary>
/// A body that is not valid JSON for the endpoint becomes a 400 validation problem naming the field (from the JSON
/// path, e.g. "revision" or "affected[0].ranges"); other bad requests (413 too large, ...) keep their status. The
/// messages name types and positions only, never the submitted text.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        http.Response.StatusCode = bad.StatusCode;
        var details = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = bad.StatusCode, Title = bad.StatusCode == 413 ? "Request body too large" : "Bad request", Detail = bad.Message };
        if (bad.StatusCode == StatusCodes.Status400BadRequest && bad.InnerException is JsonException json)
        {
            var field = Field(json.Path);
            details = new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [field] = [json.Path is null or "$" ? "the body must be a JSON object" : "has the wrong JSON type or format"],
            }) { Status = 400, Title = "One or more validation errors occurred." };
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = null });
    }

    private static string Field(string? path)
    {
        if (path is null or "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.StartsWith("draft.", StringComparison.Ordinal) ? field["draft.".Length..] : field;
    }
}
