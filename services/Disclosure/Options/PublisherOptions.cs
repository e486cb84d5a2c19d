using System.ComponentModel.DataAnnotations;

namespace Disclosure.Options;

/// <summary>CSAF document.publisher.</summary>
public sealed class PublisherOptions
{
    [Required]
    public string Name { get; set; } = "Security Response Team";

    /// <summary>The publisher's own URL (CSAF document.publisher.namespace, the feed's author); required.</summary>
    [Required, Url]
    public string Namespace { get; set; } = "";

    /// <summary>One of CSAF's publisher categories.</summary>
    [RegularExpression("^(coordinator|discoverer|other|translator|user|vendor)$", ErrorMessage = "must be coordinator, discoverer, other, translator, user or vendor")]
    public string Category { get; set; } = "coordinator";
}
