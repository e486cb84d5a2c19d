using System.Text.Json.Nodes;
using Coordination.Contracts.Advisories;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

public sealed class CreditRoundTripTests
{
    [Fact]
    public void The_same_people_with_the_same_credit_types_appear_in_OSV_CVE_and_CSAF()
    {
        var draft = GoldenDrafts.MultiPackage;
        var meta = GoldenDrafts.Public();
        var expected = draft.Credits.SelectMany(c => c.Types.Select(t => (c.Name, t))).ToHashSet();
        Assert.Equal(CreditTypes.All.ToHashSet(), expected.Select(e => e.t).ToHashSet()); // the golden draft uses every type

        var osv = OsvRenderer.Render(draft, meta)["credits"]!.AsArray()
            .Select(c => ((string)c!["name"]!, (string)c["type"]!)).ToHashSet();
        var cve = CveRenderer.Render(draft, meta)!["containers"]!["cna"]!["credits"]!.AsArray()
            .Select(c => ((string)c!["value"]!, FromCve((string)c["type"]!))).ToHashSet();
        var csaf = CsafRenderer.Render(draft, meta)["document"]!["acknowledgments"]!.AsArray()
            .SelectMany(a => ((string)a!["summary"]!).Split(", ").Select(role => ((string)a["names"]![0]!, FromCve(role)))).ToHashSet();

        Assert.Equal(expected, osv);
        Assert.Equal(expected, cve);
        Assert.Equal(expected, csaf);
    }

    [Theory]
    [InlineData(CreditTypes.Finder, "finder")]
    [InlineData(CreditTypes.RemediationDeveloper, "remediation developer")]
    [InlineData(CreditTypes.RemediationReviewer, "remediation reviewer")]
    [InlineData(CreditTypes.RemediationVerifier, "remediation verifier")]
    [InlineData(CreditTypes.Other, "other")]
    public void Credit_types_use_CVE_spelling(string osv, string cve) => Assert.Equal(cve, CreditNames.Cve(osv));

    [Fact]
    public void CVE_credits_carry_lang_and_value_and_no_user()
    {
        var credits = CveRenderer.Render(GoldenDrafts.MultiPackage, GoldenDrafts.Public())!["containers"]!["cna"]!["credits"]!.AsArray();
        Assert.All(credits, c =>
        {
            Assert.Equal("en", (string?)c!["lang"]);
            Assert.False(string.IsNullOrEmpty((string?)c["value"]));
            Assert.Null(c["user"]);
        });
    }

    private static string FromCve(string type) => type.ToUpperInvariant().Replace(' ', '_');
}
