using System.Text.Json;
using Coordination.Hosting.Validation;
using Disclosure.Data;
using Disclosure.Options;
using Disclosure.Rendering;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Disclosure.Apis;

/// <summary>
/// The public advisories (no token). Only what is published exists here: anything else, whatever the URL, is 404.
/// GET /advisories/{id} serves OSV, or CSAF / CVE when Accept rates application/csaf+json / application/cve+json higher
/// (see RecordNegotiation; 406 when it accepts none of the three);
/// the suffixes .osv.json, .cve.json and .csaf.json name the record directly, and so does the CSAF document's own file
/// name (CSAF 2.0 section 5.1, its canonical URL: x_coord-2026-7.json), which is what every link to the CSAF record names.
/// </summary>
public static class AdvisoriesApi
{
    public const string OsvMediaType = "application/osv+json";
    public const string CveMediaType = "application/cve+json";
    public const string CsafMediaType = "application/csaf+json";
    private const int MaxPageSize = 100;
    private const int MaxPage = 100_000; // keeps the row offset (page - 1) * pageSize an int
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapAdvisoriesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/advisories").AllowAnonymous().WithTags("Advisories");
        // HEAD too (RFC 9110 wants it wherever GET works): mirrors check the ETag without the body; Kestrel sends none.
        group.MapMethods("", [HttpMethods.Get, HttpMethods.Head], List).WithName("ListAdvisories");
        group.MapMethods("/{file}", [HttpMethods.Get, HttpMethods.Head], Get).WithName("GetAdvisory");
        return app;
    }

    public static async Task<IResult> List(
        NpgsqlDataSource dataSource, IOptions<DisclosureOptions> options, HttpContext http,
        int? page, int? pageSize, string? ecosystem, string? package, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (page is < 1 or > MaxPage) errors["page"] = [$"must be between 1 and {MaxPage}"];
        if (pageSize is < 1 or > MaxPageSize) errors["pageSize"] = [$"must be between 1 and {MaxPageSize}"];
        if (NoNul.Violated(ecosystem)) errors["ecosystem"] = [NoNul.Rule];
        if (NoNul.Violated(package)) errors["package"] = [NoNul.Rule];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        int p = page ?? 1, size = pageSize ?? 20;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var (items, total) = await AdvisoryStore.GetPageAsync(conn, Blank(ecosystem), Blank(package), p, size);
        var baseUrl = options.Value.PublicBaseUrl.TrimEnd('/');
        var body = JsonSerializer.Serialize(new AdvisoryPage(p, size, total, items.Select(a => Summary(a, baseUrl)).ToList()), Json);
        return HttpCaching.Serve(http, body, "application/json; charset=utf-8");
    }

    public static async Task<IResult> Get(NpgsqlDataSource dataSource, HttpContext http, string file, CancellationToken ct)
    {
        var (id, format) = Parse(file, http.Request.Headers.Accept);
        if (format is null)
            return TypedResults.Problem($"Accept allows none of {OsvMediaType}, {CveMediaType}, {CsafMediaType}; or name the record: {file}.osv.json",
                statusCode: StatusCodes.Status406NotAcceptable);
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var advisory = id is null ? await AdvisoryStore.GetByCsafFileNameAsync(conn, file) : await AdvisoryStore.GetByIdAsync(conn, id);
        var version = advisory is null ? null : await AdvisoryStore.GetCurrentVersionAsync(conn, advisory.AdvisoryId);
        if (advisory is null || version is null) return TypedResults.NotFound();
        // Negotiated (no format in the name) for an advisory without a CVE id: the best of the records it has.
        if (format == "cve" && version.Cve is null && id == file && RecordNegotiation.Choose(http.Request.Headers.Accept, withCve: false) is var other)
        {
            if (other is null)
                return TypedResults.Problem($"this advisory has no CVE record; Accept allows neither {OsvMediaType} nor {CsafMediaType}",
                    statusCode: StatusCodes.Status406NotAcceptable);
            format = other;
        }
        var (body, mediaType) = format switch
        {
            "cve" => (version.Cve, CveMediaType),
            "csaf" => (version.Csaf, CsafMediaType),
            _ => (version.Osv, OsvMediaType),
        };
        if (body is null) return TypedResults.NotFound(); // no CVE id, no CVE record
        var contentType = file.EndsWith(".json", StringComparison.Ordinal) ? "application/json; charset=utf-8" : mediaType;
        return HttpCaching.Serve(http, body, contentType);
    }

    public static AdvisorySummary Summary(AdvisoryRow a, string baseUrl)
    {
        var url = $"{baseUrl}/advisories/{Uri.EscapeDataString(a.AdvisoryId)}";
        return new AdvisorySummary(a.AdvisoryId, a.CveId, a.Title, a.PublishedAt, a.ModifiedAt, a.WithdrawnAt, a.Ecosystems, a.Packages,
            new AdvisoryLinks(url + ".osv.json", a.CveId is null ? null : url + ".cve.json", CsafRenderer.CanonicalUrl(baseUrl, a.AdvisoryId)));
    }

    /// <returns>Id null: the file is a CSAF file name, whose advisory is looked up. Format null: Accept allows none.</returns>
    private static (string? Id, string? Format) Parse(string file, IList<string>? accept)
    {
        foreach (var format in new[] { "osv", "cve", "csaf" })
            if (file.EndsWith($".{format}.json", StringComparison.Ordinal))
                return (file[..^$".{format}.json".Length], format);
        if (file.EndsWith(".json", StringComparison.Ordinal)) return (null, "csaf");
        return (file, RecordNegotiation.Choose(accept));
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
