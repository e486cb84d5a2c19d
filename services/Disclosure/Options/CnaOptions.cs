using System.ComponentModel.DataAnnotations;

namespace Disclosure.Options;

/// <summary>The CVE Numbering Authority whose container the CVE record carries.</summary>
public sealed class CnaOptions
{
    /// <summary>The CNA's organisational UUID (CVE providerMetadata.orgId).</summary>
    public Guid OrgId { get; set; } = Guid.Parse("00000000-0000-4000-8000-000000000000");

    [Required, StringLength(32, MinimumLength = 2)]
    public string ShortName { get; set; } = "COORD";
}
