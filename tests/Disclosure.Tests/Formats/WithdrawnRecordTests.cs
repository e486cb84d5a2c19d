using Coordination.Testing;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

/// <summary>A withdrawn advisory's records say that it is withdrawn, and why, not only the OSV one.</summary>
public sealed class WithdrawnRecordTests
{
    private static readonly DateTimeOffset WithdrawnAt = GoldenDrafts.Published.AddDays(5);

    [Theory, MemberData(nameof(RendererSchemaTests.Drafts), MemberType = typeof(RendererSchemaTests))]
    public void The_CVE_record_of_a_withdrawn_advisory_is_REJECTED_with_the_reason(string name)
    {
        var draft = GoldenDrafts.Get(name) with { CveId = "CVE-2026-32681" };
        var meta = GoldenDrafts.Public(3, WithdrawnAt);

        var record = CveRenderer.Render(draft, meta)!;

        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, record));
        Assert.Equal("REJECTED", (string?)record["cveMetadata"]!["state"]);
        Assert.Equal(Timestamps.Rfc3339(WithdrawnAt), (string?)record["cveMetadata"]!["dateRejected"]);
        var cna = record["containers"]!["cna"]!;
        Assert.Equal(meta.WithdrawnReason, (string?)cna["rejectedReasons"]![0]!["value"]);
        Assert.Null(cna["affected"]);
    }

    [Theory, MemberData(nameof(RendererSchemaTests.Drafts), MemberType = typeof(RendererSchemaTests))]
    public void The_CSAF_advisory_of_a_withdrawn_advisory_says_so_with_the_reason(string name)
    {
        var meta = GoldenDrafts.Public(3, WithdrawnAt);

        var csaf = CsafRenderer.Render(GoldenDrafts.Get(name), meta);

        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        var note = Assert.Single(csaf["document"]!["notes"]!.AsArray(), n => (string?)n!["title"] == "Withdrawn")!;
        Assert.Equal("general", (string?)note["category"]);
        Assert.Equal($"This advisory was withdrawn on {Timestamps.Rfc3339(WithdrawnAt)}: {meta.WithdrawnReason}", (string?)note["text"]);
        Assert.DoesNotContain(CsafRenderer.Render(GoldenDrafts.Get(name), GoldenDrafts.Public(2))["document"]!["notes"]!.AsArray(), n => (string?)n!["title"] == "Withdrawn");
    }
}
