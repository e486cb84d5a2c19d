using Disclosure.Data;
using Disclosure.Publishing;
using Disclosure.Rendering;
using Coordination.Hosting.Auth;
using Npgsql;

namespace Disclosure.Apis;

/// <summary>
/// Members only: GET /cases/{id}/advisory/preview?format=osv|cve|csaf renders the latest draft revision received.
/// CSAF is the embargoed preview (TLP AMBER, status interim). Never cached. X-Publication-Refused says why this
/// draft could not be published as it is.
/// </summary>
public static class PreviewApi
{
    public static IEndpointRouteBuilder MapPreviewApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/cases/{caseId:guid}/advisory/preview", Get).RequireAuthorization(Policies.Member).WithTags("Preview").WithName("PreviewAdvisory");
        return app;
    }

    public static async Task<IResult> Get(
        NpgsqlDataSource dataSource, MetadataFactory metadata, TimeProvider time, HttpContext http, Guid caseId, string? format, CancellationToken ct)
    {
        format ??= "csaf";
        if (format is not ("osv" or "cve" or "csaf"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["must be osv, cve or csaf"] });
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        if (await DraftStore.GetNewestAsync(conn, null, caseId) is not { } latest)
            return TypedResults.Problem("No draft of this case has reached disclosure (no such case, or intake has not published one yet).",
                statusCode: StatusCodes.Status404NotFound);
        var meta = metadata.Preview(caseId, time.GetUtcNow());
        var json = format switch
        {
            "osv" => OsvRenderer.Render(latest.Draft, meta),
            "cve" => CveRenderer.Render(latest.Draft, meta),
            _ => CsafRenderer.Render(latest.Draft, meta),
        };
        if (json is null) // only the CVE record can be absent
            return TypedResults.Problem("The draft has no CVE id, and a CVE record needs one: set cveId in the draft.",
                statusCode: StatusCodes.Status404NotFound);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers["X-Draft-Revision"] = latest.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (Publishability.Refusal(latest.Draft) is { } refusal) http.Response.Headers["X-Publication-Refused"] = refusal;
        return Results.Text(json.ToJsonString(RecordJson.Options), "application/json; charset=utf-8");
    }
}
