using System.ComponentModel.DataAnnotations;

namespace Disclosure.Options;

/// <summary>Settings "Disclosure:*".</summary>
public sealed class DisclosureOptions
{
    public const string Section = "Disclosure";

    /// <summary>OSV id prefix: a registered OSV home-database prefix (PSF, PYSEC, ...) or "x_" followed by the team's own.</summary>
    [Required]
    public string IdPrefix { get; set; } = "x_COORD";

    /// <summary>Where the public API is reachable; record URLs are built from it (required: they are public).</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "";

    [Required]
    public CnaOptions Cna { get; set; } = new();

    [Required]
    public PublisherOptions Publisher { get; set; } = new();

    /// <summary>The announcement list address (e.g. security-announce@...); required.</summary>
    [Required, EmailAddress]
    public string AnnounceTo { get; set; } = "";

    /// <summary>How often a failed announcement is tried before it is given up (logged, kept in the table). The wait
    /// doubles from 2 s up to 10 minutes, so the default 190 keeps trying through at least a day of mail-server outage:
    /// a public advisory's announcement is worth that; 10 gave up after some 27 minutes.</summary>
    [Range(1, 1000)]
    public int AnnounceMaxAttempts { get; set; } = 190;
}
