using System.Text;
using System.Text.Json;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Csv;
using Coordination.Hosting.Http;
using DownstreamNotifier.Data;
using DownstreamNotifier.Packages;
using DownstreamNotifier.Registry;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>POST /import (JSON array of projects with contacts, or CSV one contact a line) and GET /export?format=json|csv.</summary>
public static class ImportExportApi
{
    private static readonly string[] CsvHeader = ["project", "ecosystem", "homepage", "packages", "channels", "name", "email", "role", "time_zone", "public_key"];

    private static readonly HashSet<string> CsvColumns = CsvHeader.Select(ColumnName).ToHashSet();

    // The WHATWG Encoding Standard's labels of windows-1252 that name ISO-8859-1 (https://encoding.spec.whatwg.org/#names-and-labels).
    private static readonly HashSet<string> Latin1Labels = new(StringComparer.OrdinalIgnoreCase)
    {
        "cp819", "csisolatin1", "ibm819", "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987", "l1", "latin1",
    };

    /// <summary>
    /// The charset a CSV body is read in: the one its Content-Type names (a spreadsheet's Windows-1252 among them), UTF-8
    /// when it names none; bytes that charset cannot hold are refused, never read as U+FFFD (a project name with one
    /// would be another project). Null for a charset this service does not know. ISO-8859-1's names are read as
    /// Windows-1252, as the WHATWG Encoding Standard (and so every browser) reads them: files saved on Windows are often
    /// labelled so, and the bytes that differ (0x80-0x9F: ’ “ ” € …) are controls in ISO-8859-1 that no name holds.
    /// </summary>
    private static Encoding? CsvEncoding(string contentType)
    {
        var charset = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type) ? type.Charset.Value?.Trim('"') : null;
        if (string.IsNullOrEmpty(charset)) return Strict(Encoding.UTF8);
        if (Latin1Labels.Contains(charset)) charset = "windows-1252";
        try { return Strict(CodePagesEncodingProvider.Instance.GetEncoding(charset) ?? Encoding.GetEncoding(charset)); }
        catch (ArgumentException) { return null; }

        static Encoding Strict(Encoding e)
        {
            var strict = (Encoding)e.Clone();
            strict.DecoderFallback = DecoderFallback.ExceptionFallback;
            return strict;
        }
    }

    public static IEndpointRouteBuilder MapImportExportApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/import", Import).RequireAuthorization(Policies.Member).WithTags("Projects").Accepts<List<ImportProject>>("application/json", "text/csv");
        app.MapGet("/export", Export).RequireAuthorization(Policies.Member).WithTags("Projects");
        return app;
    }

    /// <param name="json">the services' JSON options (strict, see <see cref="StrictJson"/>), as for every other body.</param>
    public static async Task<IResult> Import(HttpContext http, NpgsqlDataSource db, TimeProvider time, IOptions<JsonOptions> json, CancellationToken ct)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = 512L * 1024 * 1024;
        var contentType = http.Request.ContentType ?? "";
        List<ImportProject?> rows;
        Dictionary<int, string>? csvRowProblems = null;
        if (contentType.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            if (CsvEncoding(contentType) is not { } encoding)
                return TypedResults.Problem(statusCode: 415, title: "Unsupported media type",
                    detail: "The charset the Content-Type names is not one this service reads; send UTF-8 or name a known charset (e.g. windows-1252).");
            rows = [];
            var rowProblems = csvRowProblems = new Dictionary<int, string>();
            try
            {
                using var reader = new StreamReader(http.Request.Body, encoding, detectEncodingFromByteOrderMarks: false);
                string[]? header = null;
                await foreach (var fields in Rfc4180.ReadAsync(reader))
                {
                    if (header is null)
                    {
                        header = fields.Select(ColumnName).ToArray();
                        var missing = new[] { "project", "email" }.Where(h => !header.Contains(h)).ToList();
                        if (missing.Count > 0)
                            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"the CSV header lacks {string.Join(", ", missing)}; expected {string.Join(",", CsvHeader)}"] });
                        // A column read by no field would drop its values without a word: a "pgp key" column, every key.
                        // An empty name (a spreadsheet's trailing commas) names no column: its cells must be empty.
                        var unknown = fields.Where((_, i) => header[i].Length > 0 && !CsvColumns.Contains(header[i])).ToList();
                        if (unknown.Count > 0)
                            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] =
                                [$"the CSV header has columns this import does not read ({string.Join(", ", unknown.Select(u => $"\"{u.Trim()}\""))}); the columns are {string.Join(",", CsvHeader)}"] });
                        if (header.Where(h => h.Length > 0).GroupBy(h => h).FirstOrDefault(g => g.Count() > 1) is { } twice)
                            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"the CSV header names the column {twice.Key} more than once"] });
                        continue;
                    }
                    // More cells than columns: a value with an unquoted comma ("Smith, John") shifted the rest.
                    if (fields.Where((f, i) => f.Length > 0 && (i >= header.Length || header[i].Length == 0)).Any())
                        rowProblems[rows.Count] = $"has {fields.Count(f => f.Length > 0)} values for {header.Count(h => h.Length > 0)} named columns, one outside them: quote a value holding a comma (\"Smith, John\")";
                    string? Get(string name) => Array.IndexOf(header, name) is var i and >= 0 && i < fields.Length ? fields[i] : null;
                    rows.Add(RegistryImporter.FromCsv(new CsvContactRow
                    {
                        Project = Get("project"), Ecosystem = Get("ecosystem"), Homepage = Get("homepage"), Packages = Get("packages"),
                        Channels = Get("channels"), Name = Get("name"), Email = Get("email"), Role = Get("role"), TimeZone = Get("timezone"),
                        PublicKey = Get("publickey"),
                    }));
                }
            }
            catch (FormatException e)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not valid CSV: {e.Message}"] });
            }
            catch (DecoderFallbackException)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] =
                    [$"is not valid {encoding.WebName}: name the file's charset in the Content-Type (e.g. text/csv; charset=windows-1252, as spreadsheets save CSV on Windows)"] });
            }
        }
        else if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                rows = await JsonSerializer.DeserializeAsync<List<ImportProject?>>(http.Request.Body, json.Value.SerializerOptions, ct) ?? [];
            }
            catch (JsonException e) when (StrictJson.IsDuplicateProperty(e))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"a property is given more than once ({e.Path}, line {e.LineNumber + 1})"] });
            }
            catch (JsonException e) when (StrictJson.IsUnknownProperty(e))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"{e.Path} (line {e.LineNumber + 1}) {StrictJson.UnknownPropertyRule}"] });
            }
            catch (JsonException e)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"not a JSON array of projects ({e.Path}, line {e.LineNumber + 1})"] });
            }
        }
        else
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Content-Type"] = ["must be application/json or text/csv"] });
        }
        if (rows.Count > 100_000)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["body"] = ["at most 100000 rows per import"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        return TypedResults.Ok(await RegistryImporter.ImportAsync(conn, rows, time.GetUtcNow(), ct, csvRowProblems));
    }

    /// <summary>A CSV column's name as matched: "Public Key", "public_key" and "public-key" are one.</summary>
    private static string ColumnName(string header) => header.Trim().Replace("_", "").Replace("-", "").Replace(" ", "").ToLowerInvariant();

    public static async Task<IResult> Export(string? format, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        format = (format ?? "json").ToLowerInvariant();
        if (format is not ("json" or "csv"))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["format"] = ["must be json or csv"] });
        await using var conn = await db.OpenConnectionAsync(ct);
        // One snapshot for the projects, their packages and their contacts: an import committing between the reads
        // would pair a project's old fields with its new contacts.
        List<ProjectResponse> projects;
        ILookup<Guid, ExportContactRow> contacts;
        await using (var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct))
        {
            projects = await RegistryStore.ProjectsAsync(conn, tx: tx);
            contacts = (await RegistryStore.ExportContactsAsync(conn, tx)).ToLookup(c => c.ProjectId);
            await tx.CommitAsync(ct);
        }
        if (format == "json")
        {
            var body = projects.Select(p => new ImportProject(p.Name, p.Ecosystem, p.Homepage, p.Packages.ToList(), p.Channels.ToList(),
                contacts[p.Id].Select(c => new ContactRequest(c.Name, c.Email, c.Role, c.PublicKey, c.TimeZone)).ToList()));
            return TypedResults.Ok(body);
        }

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"downstream-contacts.csv\"";
        await using var writer = new StreamWriter(http.Response.Body);
        await writer.WriteAsync(Rfc4180.Line(CsvHeader));
        foreach (var p in projects)
        {
            var packages = string.Join(' ', p.Packages.Select(x => x.Relation == PackageRelation.Ships ? "ships:" + x.Purl : x.Purl));
            var channels = string.Join(' ', p.Channels);
            var list = contacts[p.Id].ToList();
            if (list.Count == 0)
                await writer.WriteAsync(Rfc4180.Line([p.Name, p.Ecosystem, p.Homepage, packages, channels, null, null, null, null, null]));
            foreach (var c in list)
                await writer.WriteAsync(Rfc4180.Line([p.Name, p.Ecosystem, p.Homepage, packages, channels, c.Name, c.Email, c.Role, c.TimeZone, c.PublicKey]));
        }
        return TypedResults.Empty;
    }
}
