using System.ServiceModel.Syndication;
using System.Xml;
using Disclosure.Apis;
using Disclosure.Data;
using Disclosure.Options;

namespace Disclosure.Tests.Formats;

public sealed class AtomFeedTests
{
    [Fact]
    public void Characters_XML_cannot_carry_become_U_FFFD_and_the_rest_stays()
    {
        var row = new AdvisoryRow
        {
            AdvisoryId = "x_COORD-2026-1", Title = "a\u0001b\u0007c\u000Bd\u000Ce\uFFFEf\uFFFFg\uD800h \U0001F600\ttab",
            Ecosystems = ["PyPI\u0008"], Packages = ["examplezip"],
            PublishedAt = DateTimeOffset.UnixEpoch, ModifiedAt = DateTimeOffset.UnixEpoch,
        };

        var xml = AdvisoryFeedApi.Render([row], new DisclosureOptions
        {
            PublicBaseUrl = "https://advisories.example.org", Publisher = new PublisherOptions { Namespace = "https://example.org" },
        });

        using var reader = XmlReader.Create(new StringReader(xml));
        var entry = Assert.Single(SyndicationFeed.Load(reader).Items);
        Assert.Equal("[x_COORD-2026-1] a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf\uFFFDg\uFFFDh \U0001F600\ttab", entry.Title.Text);
        Assert.Equal("PyPI\uFFFD", Assert.Single(entry.Categories).Name);
    }

    [Fact]
    public void An_entry_has_one_alternate_link_per_media_type_as_Atom_requires()
    {
        var row = new AdvisoryRow
        {
            AdvisoryId = "PSF-2026-1", CveId = "CVE-2026-1", Title = "t", Ecosystems = ["PyPI"], Packages = ["urllib3"],
            PublishedAt = DateTimeOffset.UnixEpoch, ModifiedAt = DateTimeOffset.UnixEpoch,
        };
        var xml = AdvisoryFeedApi.Render([row], new DisclosureOptions
        {
            PublicBaseUrl = "https://advisories.example.org", Publisher = new PublisherOptions { Namespace = "https://example.org" },
        });

        var atom = System.Xml.Linq.XNamespace.Get("http://www.w3.org/2005/Atom");
        var alternates = System.Xml.Linq.XDocument.Parse(xml).Descendants(atom + "entry").Single().Elements(atom + "link")
            .Where(l => (string?)l.Attribute("rel") is null or "alternate").ToList();
        Assert.Equal(3, alternates.Count); // OSV, CSAF, CVE
        Assert.Equal(alternates.Count, alternates.Select(l => ((string?)l.Attribute("type"), (string?)l.Attribute("hreflang"))).Distinct().Count());
    }
}
