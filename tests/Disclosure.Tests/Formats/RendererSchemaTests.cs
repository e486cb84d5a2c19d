using Coordination.Testing;
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
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, OsvRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public())));
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, OsvRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public(3, GoldenDrafts.Published.AddDays(5)))));
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
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, record!));
    }

    [Theory, MemberData(nameof(Drafts))]
    public void CSAF_advisory_validates_and_passes_the_mandatory_tests(string draft)
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Public(2));
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        Assert.Empty(ScoreErrors(csaf));
    }

    [Theory, MemberData(nameof(Drafts))]
    public void Embargoed_preview_is_an_interim_TLP_AMBER_CSAF_that_validates(string draft)
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.Get(draft), GoldenDrafts.Preview);
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        Assert.Equal("AMBER", (string?)csaf["document"]!["distribution"]!["tlp"]!["label"]);
        Assert.Equal("interim", (string?)csaf["document"]!["tracking"]!["status"]);
    }

    [Fact]
    public void A_CVSS_4_0_vector_becomes_a_scored_cvssV4_0_metric_in_the_CVE_record()
    {
        // Vector and score (7.7, HIGH) from FIRST's CVSS v4.0 examples page (CVE-2020-3549).
        const string Vector = "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        var draft = GoldenDrafts.NoCveCvss4 with { CveId = "CVE-2026-0002", Severity = new("High", Vector) };

        var record = CveRenderer.Render(draft, GoldenDrafts.Public())!;

        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, record));
        var metric = Assert.Single(record["containers"]!["cna"]!["metrics"]!.AsArray())!;
        Assert.Null(metric["other"]);
        var cvss = metric["cvssV4_0"]!;
        Assert.Equal(("4.0", Vector, 7.7m, "HIGH"),
            ((string)cvss["version"]!, (string)cvss["vectorString"]!, (decimal)cvss["baseScore"]!, (string)cvss["baseSeverity"]!));
    }

    [Fact]
    public void A_CVSS_4_0_vector_with_threat_metrics_keeps_its_base_score_as_the_CVE_baseScore()
    {
        // FIRST's example CVE-2020-3549: 7.7 from the base metrics (CVSS-B), 5.2 with E:U (CVSS-BT).
        const string Vector = "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U";
        var draft = GoldenDrafts.NoCveCvss4 with { CveId = "CVE-2026-0002", Severity = new("High", Vector) };

        var record = CveRenderer.Render(draft, GoldenDrafts.Public())!;

        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, record));
        var cvss = Assert.Single(record["containers"]!["cna"]!["metrics"]!.AsArray())!["cvssV4_0"]!;
        Assert.Equal((Vector, 7.7m, "HIGH"), ((string)cvss["vectorString"]!, (decimal)cvss["baseScore"]!, (string)cvss["baseSeverity"]!));
    }

    [Fact]
    public void An_incomplete_CVSS_3_1_vector_stored_before_intake_checked_vectors_is_kept_unscored_and_the_records_still_render()
    {
        const string Vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"; // no A
        var draft = GoldenDrafts.NoCveCvss4 with { CveId = "CVE-2026-0002", Severity = new("High", Vector) };

        var cve = CveRenderer.Render(draft, GoldenDrafts.Public())!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, cve));
        var metric = Assert.Single(cve["containers"]!["cna"]!["metrics"]!.AsArray())!;
        Assert.Null(metric["cvssV3_1"]);
        Assert.Equal(Vector, (string?)metric["other"]!["content"]!["vectorString"]);

        var csaf = CsafRenderer.Render(draft, GoldenDrafts.Public());
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        var vulnerability = csaf["vulnerabilities"]![0]!;
        Assert.Null(vulnerability["scores"]);
        Assert.Contains(vulnerability["notes"]!.AsArray(), n => (string?)n!["title"] == "CVSS vector" && (string?)n["text"] == Vector);
    }

    [Fact]
    public void The_CSAF_note_of_a_CVSS_4_0_vector_carries_its_score()
    {
        var csaf = CsafRenderer.Render(GoldenDrafts.NoCveCvss4 with
        {
            Severity = new("High", "CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
        }, GoldenDrafts.Public());

        var note = csaf["vulnerabilities"]![0]!["notes"]!.AsArray().Single(n => (string?)n!["title"] == "CVSS v4.0 vector")!;
        Assert.Equal("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N (CVSS v4.0 score 7.7, HIGH)", (string?)note["text"]);
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
            .SelectMany(s => AdvisorySchemas.Errors(AdvisorySchemas.Cvss31, s!["cvss_v3"]!));
    }
}
