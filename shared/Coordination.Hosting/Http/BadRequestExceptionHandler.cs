using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Coordination.Hosting.Http;

/// <summary>
/// A request the endpoint cannot bind becomes a 400 validation problem naming the field: a body that is not valid JSON
/// for the endpoint names the JSON path ("revision", "affected[0].ranges"), a missing or null body names "body", a query
/// or route value that does not convert names its parameter, a property given twice is named (see
/// <see cref="StrictJson"/>). Other bad requests (413 too large, ...) keep their status. The messages name types,
/// fields and positions only, never the submitted text.
/// </summary>
public sealed partial class BadRequestExceptionHandler(IProblemDetailsService problems, IOptions<BadRequestFieldNames> names) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        // ASP.NET Core's JSON reading wraps Encoding.GetEncoding's ArgumentException; an endpoint's own
        // InvalidOperationException stays a 500 even when the request names an odd charset.
        if (exception is InvalidOperationException { InnerException: ArgumentException } && HasUnknownCharset(http.Request))
        {
            // The JSON reader cannot decode the body: a 400 naming the header, not a 500 with a stack trace.
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = new HttpValidationProblemDetails(new Dictionary<string, string[]>
                {
                    ["Content-Type"] = ["names a charset that is not known: send JSON as UTF-8 (application/json; charset=utf-8)"],
                }) { Status = 400, Title = "One or more validation errors occurred." },
            });
        }
        if (exception is not BadHttpRequestException bad) return false;
        http.Response.StatusCode = bad.StatusCode;
        Microsoft.AspNetCore.Mvc.ProblemDetails details = bad.StatusCode == StatusCodes.Status400BadRequest && Errors(bad) is { } errors
            ? new HttpValidationProblemDetails(errors) { Status = 400, Title = "One or more validation errors occurred." }
            : new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = bad.StatusCode, Title = bad.StatusCode == 413 ? "Request body too large" : "Bad request", Detail = bad.Message,
            };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = details, Exception = null });
    }

    private Dictionary<string, string[]>? Errors(BadHttpRequestException bad)
    {
        if (bad.InnerException is OffsetRequiredException offset) return new() { [Field(offset.Path)] = [ExplicitOffset.Rule] };
        if (bad.InnerException is JsonException duplicate && StrictJson.IsDuplicateProperty(duplicate))
            return new() { [Field(duplicate.Path)] = ["is given more than once (property names are compared ignoring case)"] };
        if (bad.InnerException is JsonException unknown && StrictJson.IsUnknownProperty(unknown))
            return new() { [Field(unknown.Path)] = [StrictJson.UnknownPropertyRule] };
        if (bad.InnerException is JsonException json)
            return new() { [Field(json.Path)] = [json.Path is null or "$" ? "the body must be a JSON object" : "has the wrong JSON type or format"] };
        // The framework's own messages (RequestDelegateFactory, not localised) name the parameter; the value is left out.
        if (NoBody().IsMatch(bad.Message)) return new() { ["body"] = ["is required: a JSON object"] };
        if (Unconvertible().Match(bad.Message) is { Success: true } m) return new() { [m.Groups["name"].Value] = ["has the wrong format"] };
        if (Missing().Match(bad.Message) is { Success: true } r) return new() { [r.Groups["name"].Value] = ["is required"] };
        return null;
    }

    private static bool HasUnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || type.Charset.Length == 0) return false;
        try
        {
            Encoding.GetEncoding(type.Charset.Value!.Trim('"'));
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private string Field(string? path)
    {
        if (path is null or "$") return "body";
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        foreach (var prefix in names.Value.UnwrappedPrefixes)
            if (field.StartsWith(prefix, StringComparison.Ordinal)) return field[prefix.Length..];
        return field;
    }

    [GeneratedRegex("""^(Implicit body inferred for parameter "[^"]*" but no body was provided|Required parameter "[^"]*" was not provided from body)""")]
    private static partial Regex NoBody();

    [GeneratedRegex("""^Failed to bind parameter "[^"]* (?<name>[^" ]+)" from""")]
    private static partial Regex Unconvertible();

    [GeneratedRegex("""^Required parameter "[^"]* (?<name>[^" ]+)" was not provided from""")]
    private static partial Regex Missing();
}
