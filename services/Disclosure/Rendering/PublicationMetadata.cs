namespace Disclosure.Rendering;

/// <summary>
/// What the renderers need besides the draft: the advisory's identity, its dates, its version history and the
/// configured organisation. <see cref="IsPublic"/> false means the embargoed preview.
/// </summary>
public sealed record PublicationMetadata(
    string AdvisoryId,
    int Version,
    DateTimeOffset Published,
    DateTimeOffset Modified,
    IReadOnlyList<RevisionEntry> History,
    bool IsPublic,
    string PublicBaseUrl,
    Guid CnaOrgId,
    string CnaShortName,
    string PublisherName,
    string PublisherNamespace,
    string PublisherCategory,
    DateTimeOffset? Withdrawn = null,
    string? WithdrawnReason = null)
{
    public string Url(string suffix) => $"{PublicBaseUrl.TrimEnd('/')}/advisories/{Uri.EscapeDataString(AdvisoryId)}{suffix}";

    /// <summary>The CSAF document's canonical URL (CSAF 2.0 section 5.1 file name).</summary>
    public string CsafUrl => CsafRenderer.CanonicalUrl(PublicBaseUrl, AdvisoryId);
}
