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

    /// <summary>One of CSAF's publisher categories but "translator", which mandatory test 6.1.15 allows only with a
    /// document.source_lang: the records are written, not translated.</summary>
    [RegularExpression("^(coordinator|discoverer|other|user|vendor)$", ErrorMessage = "must be coordinator, discoverer, other, user or vendor (not translator: the records are not translations)")]
    public string Category { get; set; } = "coordinator";
}
