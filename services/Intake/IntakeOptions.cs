using System.ComponentModel.DataAnnotations;

namespace Intake;

/// <summary>Settings "Intake:*": the limits that protect the public report form.</summary>
public sealed class IntakeOptions : IValidatableObject
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

    /// <summary>Where reporters reach this service (for the status link in the reply to an emailed report).</summary>
    [Url]
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client, so the rate limit counts
    /// each client behind them separately. Empty: the header is ignored (a client could otherwise pick its own address).
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    public IEnumerable<System.Net.IPNetwork> TrustedProxyNetworks() => TrustedProxies.Select(ParseNetwork).OfType<System.Net.IPNetwork>();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedProxies.Length; i++)
            if (ParseNetwork(TrustedProxies[i]) is null)
                yield return new ValidationResult($"'{TrustedProxies[i]}' is not an IP address or CIDR network", [$"{nameof(TrustedProxies)}:{i}"]);
    }

    private static System.Net.IPNetwork? ParseNetwork(string value)
    {
        var text = value.Trim();
        if (System.Net.IPAddress.TryParse(text, out var address))
            return new System.Net.IPNetwork(address, address.GetAddressBytes().Length * 8);
        return System.Net.IPNetwork.TryParse(text, out var network) ? network : null;
    }
}
