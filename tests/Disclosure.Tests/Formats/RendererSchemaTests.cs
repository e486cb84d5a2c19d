using System.Text.Json.Nodes;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

/// <summary>Every golden draft, rendered public and as the preview, validates against the official schema.</summary>
public sealed class RendererSchemaTests
{
    public static TheoryData<string> Drafts => GoldenDrafts.Names;

    [Theory, MemberData(nameof(Drafts))]
    public void OSV_record_validates_against_the_OSV_schema(string draft)
    {
        Assert.Empty(Schemas.Errors(Schemas.Osv, OsvRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public())));
        Assert.Empty(Schemas.Errors(Schemas.Osv, OsvRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public(3, GoldenDrafts.Published.AddDays(5)))));
    }

    [Theory, MemberData(nameof(Drafts))]
    public void CVE_record_validates_against_the_CVE_5_1_schema(string draft)
    {
        var record = CveRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public());
        if (GoldenDrafts.Get(draft).CveId is null)
        {
            Assert.Null(record);
            return;
        }
        Assert.Empty(Schemas.Errors(Schemas.Cve, record!));
    }

    [Theory, MemberData(nameof(Drafts))]
    public void CSAF_advisory_validates_and_passes_the_mandatory_tests(string draft)
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public(2));
        Assert.Empty(Schemas.Errors(Schemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        Assert.Empty(ScoreErrors(csaf));
    }

    [Theory, MemberData(nameof(Drafts))]
    public void Embargoed_preview_is_an_interim_TLP_AMBER_CSAF_that_validates(string draft)
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Preview);
        Assert.Empty(Schemas.Errors(Schemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        Assert.Equal("AMBER", (string?)csaf["document"]!["distribution"]!["tlp"]!["label"]);
        Assert.Equal("interim", (string?)csaf["document"]!["tracking"]!["status"]);
    }

    [Fact]
    public void Public_CSAF_is_TLP_WHITE_and_final()
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.MultiPackage, GoldenDrafts.Public());
        Assert.Equal("WHITE", (string?)csaf["document"]!["distribution"]!["tlp"]!["label"]);
        Assert.Equal("final", (string?)csaf["document"]!["tracking"]!["status"]);
    }

    /// <summary>jsonschema validates $ref'd FIRST subschemas under the root's rules; check the cvss_v3 objects against cvss-v3.1 directly too.</summary>
    private static IEnumerable<string> ScoreErrors(JsonNode csaf)
    {
        return (csaf["vulnerabilities"] as JsonArray ?? []).SelectMany(v => v!["scores"] as JsonArray ?? [])
            .SelectMany(s => Schemas.Errors(Schemas.Cvss31, s!["cvss_v3"]!));
    }
}
