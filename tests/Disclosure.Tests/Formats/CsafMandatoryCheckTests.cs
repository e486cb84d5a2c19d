using System.Text.Json.Nodes;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

/// <summary>The 6.1 checks catch what they are for (so a pass above means something).</summary>
public sealed class CsafMandatoryCheckTests
{
    private static JsonNode Good() => CsafRenderer.Render(GoldenDrafts.MultiPackage, GoldenDrafts.Public(2));

    [Fact]
    public void Catches_an_undefined_product_id()
    {
        var doc = Good();
        doc["vulnerabilities"]![0]!["product_status"]!["known_affected"]!.AsArray().Add("CSAFPID-9999");
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.1 "));
    }

    [Fact]
    public void Catches_a_product_both_affected_and_fixed()
    {
        var doc = Good();
        var affected = (string)doc["vulnerabilities"]![0]!["product_status"]!["known_affected"]![0]!;
        doc["vulnerabilities"]![0]!["product_status"]!["fixed"]!.AsArray().Add(affected);
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.6 "));
    }

    [Fact]
    public void Catches_a_score_that_is_not_what_the_vector_computes()
    {
        var doc = Good();
        doc["vulnerabilities"]![0]!["scores"]![0]!["cvss_v3"]!["baseScore"] = 9.9m;
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.9 "));
    }

    [Fact]
    public void Catches_a_tracking_version_not_in_the_revision_history()
    {
        var doc = Good();
        doc["document"]!["tracking"]!["version"] = "3";
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.16 "));
    }

    [Fact]
    public void Catches_a_gap_in_the_revision_history()
    {
        var doc = Good();
        doc["document"]!["tracking"]!["revision_history"]!.AsArray().RemoveAt(0);
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.21 "));
    }

    [Fact]
    public void Catches_a_vulnerability_without_notes()
    {
        var doc = Good();
        doc["vulnerabilities"]![0]!.AsObject().Remove("notes");
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.1.27.5 "));
    }

    [Theory]
    [InlineData("https://advisories.example.org/advisories/x_COORD-2026-7.csaf.json")]
    [InlineData("http://advisories.example.org/advisories/x_coord-2026-7.json")]
    public void Catches_a_self_reference_that_is_not_the_canonical_URL(string url)
    {
        var doc = Good();
        doc["document"]!["references"]![0]!["url"] = url;
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("6.2.11 "));
    }

    [Theory]
    [InlineData("x_COORD-2026-7", "x_coord-2026-7.json")]
    [InlineData("x_My.Team-2026-12", "x_my_team-2026-12.json")]
    [InlineData("openSUSE-SU-2026-1", "opensuse-su-2026-1.json")]
    public void The_CSAF_file_name_is_the_tracking_id_as_section_5_1_writes_it(string id, string fileName) =>
        Assert.Equal(fileName, CsafRenderer.FileName(id));

    [Fact]
    public void Catches_TLP_AMBER_on_a_final_document()
    {
        var doc = Good();
        doc["document"]!["distribution"]!["tlp"]!["label"] = "AMBER";
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("TLP "));
    }
}
