using System.ComponentModel.DataAnnotations;

namespace Disclosure.Options;

/// <summary>The CVE Numbering Authority whose container the CVE record carries.</summary>
public sealed class CnaOptions
{
    /// <summary>
    /// The CNA's organisational UUID (CVE providerMetadata.orgId). Required: no default, and the placeholder earlier
    /// versions shipped is refused (every public CVE record would carry it).
    /// </summary>
    public Guid OrgId { get; set; }

    public static readonly Guid PlaceholderOrgId = Guid.Parse("00000000-0000-4000-8000-000000000000");

    /// <summary>The CNA's short name as registered with the CVE Program, next to OrgId in every CVE record.</summary>
    [Required, StringLength(32, MinimumLength = 2)]
    public string ShortName { get; set; } = "";
}
