using Coordination.Contracts.Advisories;
using Disclosure.Rendering;

namespace Disclosure.Publishing;

/// <summary>The three records of one version, as the public API serves them.</summary>
public sealed record RenderedRecords(string Osv, string? Cve, string Csaf)
{
    public static RenderedRecords Render(AdvisoryDraft draft, PublicationMetadata meta) => new(
        OsvRenderer.Render(draft, meta).ToJsonString(RecordJson.Options),
        CveRenderer.Render(draft, meta)?.ToJsonString(RecordJson.Options),
        CsafRenderer.Render(draft, meta).ToJsonString(RecordJson.Options));
}
