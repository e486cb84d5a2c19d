using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Disclosure.Data;
using Disclosure.Options;
using Disclosure.Rendering;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Disclosure.Apis;

/// <summary>GET /advisories.atom: the newest advisories as an Atom 1.0 feed (withdrawn ones say so).</summary>
public static class AdvisoryFeedApi
{
    private const int Entries = 50;

    public static IEndpointRouteBuilder MapAdvisoryFeedApi(this IEndpointRouteBuilder app)
    {
        app.MapMethods("/advisories.atom", [HttpMethods.Get, HttpMethods.Head], Get).AllowAnonymous().WithTags("Advisories").WithName("AdvisoryFeed");
        return app;
    }

    public static async Task<IResult> Get(NpgsqlDataSource dataSource, IOptions<DisclosureOptions> options, HttpContext http, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var advisories = await AdvisoryStore.GetNewestAsync(conn, Entries);
        return HttpCaching.Serve(http, Render(advisories, options.Value), "application/atom+xml; charset=utf-8");
    }

    public static string Render(IReadOnlyList<AdvisoryRow> advisories, DisclosureOptions o)
    {
        var baseUrl = o.PublicBaseUrl.TrimEnd('/');
        var updated = advisories.Count > 0 ? advisories.Max(a => a.ModifiedAt) : DateTimeOffset.UnixEpoch;

        var feed = new SyndicationFeed($"{o.Publisher.Name} security advisories", "Published security advisories (OSV, CVE JSON 5, CSAF 2.0)",
            new Uri(baseUrl + "/advisories"), baseUrl + "/advisories.atom", updated);
        feed.Authors.Add(new SyndicationPerson { Name = o.Publisher.Name, Uri = o.Publisher.Namespace });
        feed.Links.Add(SyndicationLink.CreateSelfLink(new Uri(baseUrl + "/advisories.atom"), "application/atom+xml"));
        feed.Items = advisories.Select(a => Entry(a, baseUrl)).ToList();

        var xml = new StringBuilder();
        using (var writer = XmlWriter.Create(xml, new XmlWriterSettings { Encoding = Encoding.UTF8, Indent = true }))
            new Atom10FeedFormatter(feed).WriteTo(writer);
        // StringBuilder output declares utf-16; the bytes we send are UTF-8.
        return xml.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static SyndicationItem Entry(AdvisoryRow a, string baseUrl)
    {
        var url = $"{baseUrl}/advisories/{Uri.EscapeDataString(a.AdvisoryId)}";
        var title = XmlText((a.WithdrawnAt is null ? "" : "[WITHDRAWN] ") + $"[{a.CveId ?? a.AdvisoryId}] {a.Title}");
        var summary = XmlText($"{a.AdvisoryId}{(a.CveId is null ? "" : " / " + a.CveId)}: {a.Title}. Affected: {string.Join(", ", a.Packages)}.");
        var item = new SyndicationItem(title, summary, new Uri(url + ".osv.json"), url, a.ModifiedAt) { PublishDate = a.PublishedAt };
        // Atom allows one alternate link per media type: each format has its own (as the API serves it).
        item.Links.Add(new SyndicationLink(new Uri(CsafRenderer.CanonicalUrl(baseUrl, a.AdvisoryId)), "alternate", "CSAF 2.0", AdvisoriesApi.CsafMediaType, 0));
        if (a.CveId is not null) item.Links.Add(new SyndicationLink(new Uri(url + ".cve.json"), "alternate", "CVE JSON 5", AdvisoriesApi.CveMediaType, 0));
        foreach (var ecosystem in a.Ecosystems) item.Categories.Add(new SyndicationCategory(XmlText(ecosystem)));
        return item;
    }

    /// <summary>
    /// Drafts may hold characters XML 1.0 cannot (intake refuses only NUL): U+0001–U+001F but tab and line breaks,
    /// U+FFFE, U+FFFF, a lone surrogate. XmlWriter throws on them, which would fail the whole feed; they become U+FFFD.
    /// </summary>
    public static string XmlText(string text)
    {
        var b = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i])) b.Append(text[i]);
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) b.Append(text, i++, 2);
            else b.Append('\uFFFD');
        }
        return b.ToString();
    }
}
