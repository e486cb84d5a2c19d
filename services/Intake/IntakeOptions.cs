using System.ComponentModel.DataAnnotations;

namespace Intake;

/// <summary>Settings "Intake:*": the limits that protect the public report form.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Intake";

    /// <summary>Reports one client (IP address) may submit per window.</summary>
    [Range(1, 100_000)]
    public int ReportsPermitLimit { get; set; } = 10;

    [Range(1, 86_400)]
    public int ReportsWindowSeconds { get; set; } = 60;

    /// <summary>Largest POST /reports body; larger → 413.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxReportBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Largest body of any other request (drafts); larger → 413.</summary>
    [Range(1_024, 64 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 2 * 1024 * 1024;

    [Range(100, 10_000_000)]
    public int MaxDescriptionChars { get; set; } = 100_000;
}
