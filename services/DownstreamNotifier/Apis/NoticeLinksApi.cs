using System.Net;
using System.Text;
using System.Text.Json;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Data;
using Coordination.Hosting.Validation;
using DownstreamNotifier.Data;
using DownstreamNotifier.Email;
using DownstreamNotifier.Links;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>
/// /notices/{token} (public): following the link acknowledges the notice and shows it; the recipient may then
/// post a status. A forged or altered token is 404, an expired one 410 (see <see cref="ExpiresAt"/>), and neither says
/// anything of the case.
/// A genuine token is 404 as well once its contact is deleted or readdressed (the old address's holder may have left),
/// or when no notice to that contact about that case was sent. The link shows the case as the newest notice sent to the contact told it, and the embargo as it stands
/// now: running until its instant, or how it ended (broken and disclosed at, public, withdrawn).
/// </summary>
public static class NoticeLinksApi
{
    private static readonly string[] Statuses = ["affected", "not_affected", "fixed", "investigating"];

    public static IEndpointRouteBuilder MapNoticeLinksApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/notices/{token}").AllowAnonymous().WithTags("Notice links");
        // The page holds embargoed details: no cache (a shared proxy's, the browser's) keeps it, the link, which is
        // the token, goes to no site the page links to, no other site's page frames it, and it loads and runs nothing.
        group.AddEndpointFilter(async (context, next) =>
        {
            var headers = context.HttpContext.Response.Headers;
            headers.CacheControl = "no-store";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
            return await next(context);
        });
        group.MapGet("/", OpenNotice);
        group.MapPost("/status", PostStatus);
        return app;
    }

    public static async Task<IResult> OpenNotice(string token, HttpRequest request, NoticeLinks links, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var check = links.Check(token);
        if (!check.Valid) return NoSuchNotice();

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (notice, refusal) = await HonourAsync(conn, tx, links, check, now);
        if (notice is null) return refusal!;
        if (await AckStore.AcknowledgeAsync(conn, tx, check.CaseId, check.ContactId, now))
            await Outbox.PublishAsync(conn, tx, new NoticeAcknowledged(check.CaseId, check.ContactId, null, now));
        var view = await ViewAsync(conn, tx, notice);
        await tx.CommitAsync(ct);

        var wantsHtml = request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        return wantsHtml ? TypedResults.Content(Html(view, token), "text/html; charset=utf-8") : TypedResults.Ok(view);
    }

    /// <summary>
    /// The token is judged before the body is read: a forged, altered or expired link is 404/410 whatever was posted
    /// to it (bound by the framework, a malformed body was a 400 first). The body is read, bounded, before the
    /// database is touched, and parsed after the link is honoured.
    /// </summary>
    public static async Task<IResult> PostStatus(string token, HttpRequest request, NoticeLinks links, NpgsqlDataSource db, TimeProvider time,
        IOptions<JsonOptions> json, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var check = links.Check(token);
        if (!check.Valid) return NoSuchNotice();
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit) limit.MaxRequestBodySize = MaxStatusBody;
        using var posted = new MemoryStream();
        await request.Body.CopyToAsync(posted, ct);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (notice, refusal) = await HonourAsync(conn, tx, links, check, now);
        if (notice is null) return refusal!;
        if (!request.HasJsonContentType())
            return TypedResults.Problem(statusCode: 415, title: "Unsupported media type", detail: "Send the status as application/json.");
        if (!TryReadAsUtf8(request.ContentType, posted, out var utf8, out var charset))
            return TypedResults.Problem(statusCode: 415, title: "Unsupported media type",
                detail: $"The charset {charset} is not one this service reads; send the status as UTF-8.");
        NoticeStatusRequest body;
        try
        {
            body = JsonSerializer.Deserialize<NoticeStatusRequest>(utf8.Span, json.Value.SerializerOptions)
                   ?? throw new BadHttpRequestException("Required parameter \"NoticeStatusRequest body\" was not provided from body.");
        }
        catch (JsonException e)
        {
            throw new BadHttpRequestException("The status is not valid JSON for this endpoint.", e); // named by BadRequestExceptionHandler
        }
        var errors = new Dictionary<string, string[]>();
        var status = body.Status?.Trim().ToLowerInvariant();
        if (status is null || !Statuses.Contains(status)) errors["status"] = ["must be one of affected, not_affected, fixed, investigating"];
        var statement = string.IsNullOrWhiteSpace(body.Statement) ? null : body.Statement.Trim();
        if (statement is { Length: > 4000 }) errors["statement"] = ["at most 4000 characters"];
        else if (NoNul.Violated(statement)) errors["statement"] = [NoNul.Rule];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        await AckStore.SetStatusAsync(conn, tx, check.CaseId, check.ContactId, status!, statement, now);
        await Outbox.PublishAsync(conn, tx, new NoticeAcknowledged(check.CaseId, check.ContactId, status, now));
        var view = await ViewAsync(conn, tx, notice);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(view);
    }

    // A status and a statement of at most 4,000 characters, with room for escapes.
    private const long MaxStatusBody = 64 * 1024;

    private static IResult NoSuchNotice() => TypedResults.Problem(statusCode: 404, title: "No such notice");

    /// <summary>What a genuine token opens: the notice sent, the embargo as it stands, and until when the link works.</summary>
    private sealed record Honoured(LinkCheck Check, AckStore.SentNotice Sent, CaseEmbargo? Embargo, DateTimeOffset ExpiresAt);

    /// <summary>The notice a genuine token names, in the request's transaction; else the answer: 410 once the link has
    /// expired, 404 when no notice to that contact about that case was sent (or the contact is deleted or readdressed
    /// since the link was issued).</summary>
    private static async Task<(Honoured? Notice, IResult? Refusal)> HonourAsync(NpgsqlConnection conn, NpgsqlTransaction tx, NoticeLinks links,
        LinkCheck check, DateTimeOffset now)
    {
        var embargo = await CaseStore.EmbargoAsync(conn, check.CaseId, tx);
        var expiresAt = ExpiresAt(links, check, embargo);
        if (expiresAt <= now) return (null, TypedResults.Problem(statusCode: 410, title: "This link has expired"));
        if (await AckStore.SentNoticeAsync(conn, tx, check.CaseId, check.ContactId, check.LinkGeneration) is not { } sent) return (null, NoSuchNotice());
        return (new Honoured(check, sent, embargo, expiresAt), null);
    }

    /// <summary>
    /// A link works until Notifier:LinkValidDays after the disclosure as it stands now, not the one its notice told (an
    /// extension moves it later, a break earlier); by the instant it carries when the case was withdrawn or its embargo
    /// is unknown.
    /// </summary>
    private static DateTimeOffset ExpiresAt(NoticeLinks links, LinkCheck check, CaseEmbargo? embargo) =>
        embargo is null || embargo.IsWithdrawn ? check.ExpiresAt
        : links.ExpiryFor(embargo.EndedAt is { } ended && ended < embargo.DisclosureAt ? ended : embargo.DisclosureAt);

    private static async Task<NoticeView> ViewAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Honoured notice)
    {
        var (check, sent, embargo, expiresAt) = notice;
        var draft = sent.Draft;
        var ack = await AckStore.GetAsync(conn, tx, check.CaseId, check.ContactId);
        var state = embargo?.Ended ?? "embargoed";
        var disclosureAt = state switch { CaseEmbargo.Withdrawn => null, CaseEmbargo.Broken => embargo!.EndedAt, _ => embargo?.DisclosureAt };
        return new NoticeView(SubjectTag.For(check.CaseId), draft?.Title, draft?.Summary, draft?.Affected ?? [], draft?.Remediation,
            disclosureAt, ack!.AcknowledgedAt, ack.Status, ack.Statement, expiresAt, state, embargo?.EndedAt);
    }

    // Fixed format, whatever the server's culture (its calendar and digits would otherwise show).
    private static string Utc(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture) ?? "";

    private static string Standing(NoticeView v) => v.State switch
    {
        CaseEmbargo.Withdrawn => "Withdrawn: the embargo is lifted, and there will be no coordinated disclosure",
        CaseEmbargo.Broken => $"Embargo broken, disclosed at {Utc(v.DisclosureAt)}",
        CaseEmbargo.Public => "Public",
        _ => $"Embargoed until {Utc(v.DisclosureAt)}",
    };

    private static string Html(NoticeView v, string token)
    {
        static string E(string? s) => WebUtility.HtmlEncode(s ?? "");
        var b = new StringBuilder();
        b.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"robots\" content=\"noindex\"><title>")
            .Append(E(v.Case)).Append("</title></head><body><h1>").Append(E(v.Case)).Append(' ').Append(E(v.Title)).Append("</h1>");
        b.Append("<p><strong>").Append(E(Standing(v))).Append("</strong></p>");
        b.Append("<p>").Append(E(v.Summary)).Append("</p><h2>Affected</h2><ul>");
        foreach (var a in v.Affected) b.Append("<li>").Append(E(a.Ecosystem)).Append(' ').Append(E(a.Name)).Append(" <code>").Append(E(a.Purl)).Append("</code></li>");
        b.Append("</ul>");
        if (v.Remediation is not null) b.Append("<h2>Fix</h2><p>").Append(E(v.Remediation)).Append("</p>");
        b.Append("<p>Acknowledged ").Append(E(Utc(v.AcknowledgedAt))).Append(".</p>");
        if (v.Status is not null) b.Append("<p>Your status: ").Append(E(v.Status)).Append("</p>");
        b.Append("<p>Tell us your status with <code>POST /notices/").Append(E(token))
            .Append("/status</code> and a JSON body <code>{\"status\": \"affected|not_affected|fixed|investigating\", \"statement\": \"...\"}</code>.</p>");
        b.Append("</body></html>");
        return b.ToString();
    }

    /// <summary>The posted bytes as UTF-8: as they are, or transcoded from the charset the request names (JSON is UTF-8,
    /// RFC 8259, but a client may say otherwise). False for a charset .NET does not know.</summary>
    private static bool TryReadAsUtf8(string? contentType, MemoryStream posted, out ReadOnlyMemory<byte> utf8, out string? charset)
    {
        var bytes = posted.GetBuffer().AsMemory(0, (int)posted.Length);
        utf8 = bytes;
        charset = Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var type) ? type.Charset.Value?.Trim('"') : null;
        if (string.IsNullOrEmpty(charset) || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
            return true;
        System.Text.Encoding encoding;
        try { encoding = System.Text.Encoding.GetEncoding(charset); }
        catch (ArgumentException) { return false; }
        utf8 = System.Text.Encoding.UTF8.GetBytes(encoding.GetString(bytes.Span));
        return true;
    }
}
