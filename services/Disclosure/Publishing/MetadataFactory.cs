using Disclosure.Options;
using Disclosure.Rendering;
using Microsoft.Extensions.Options;

namespace Disclosure.Publishing;

/// <summary>Publication metadata with the configured organisation filled in.</summary>
public sealed class MetadataFactory(IOptions<DisclosureOptions> options)
{
    public DisclosureOptions Options => options.Value;

    public PublicationMetadata Create(string advisoryId, int version, DateTimeOffset published, DateTimeOffset modified,
        IReadOnlyList<RevisionEntry> history, bool isPublic, DateTimeOffset? withdrawn = null, string? withdrawnReason = null)
    {
        var o = options.Value;
        return new PublicationMetadata(advisoryId, version, published, modified, history, isPublic, o.PublicBaseUrl,
            o.Cna.OrgId, o.Cna.ShortName, o.Publisher.Name, o.Publisher.Namespace, o.Publisher.Category, withdrawn, withdrawnReason);
    }

    /// <summary>The embargoed preview: not yet an advisory id of its own, so one that says what it is.</summary>
    public PublicationMetadata Preview(Guid caseId, DateTimeOffset now) =>
        Create($"{options.Value.IdPrefix}-PREVIEW-{caseId:N}", 1, now, now, [new RevisionEntry(1, now, "Embargoed preview")], isPublic: false);
}
