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
}
