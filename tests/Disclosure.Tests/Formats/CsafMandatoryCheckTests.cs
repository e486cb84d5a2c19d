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

    [Fact]
    public void Catches_TLP_AMBER_on_a_final_document()
    {
        var doc = Good();
        doc["document"]!["distribution"]!["tlp"]!["label"] = "AMBER";
        Assert.Contains(CsafMandatoryChecks.Run(doc), p => p.StartsWith("TLP "));
    }
}
