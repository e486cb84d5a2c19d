using System.ComponentModel.DataAnnotations;

namespace Coordination.Hosting.Mail;

/// <summary>Settings "Smtp:*" shared by every service that sends mail (notifier, disclosure).</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string Section = "Smtp";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 25;

    /// <summary>
    /// None, StartTls (required STARTTLS), StartTlsWhenAvailable, or SslOnConnect. StartTls by default: with
    /// StartTlsWhenAvailable, anyone on the path who strips the server's STARTTLS offer reads plain and link-only
    /// notices (their links open the case) and the SMTP password.
    /// </summary>
    [RegularExpression("^(None|StartTls|StartTlsWhenAvailable|SslOnConnect)$", ErrorMessage = "must be None, StartTls, StartTlsWhenAvailable or SslOnConnect")]
    public string Security { get; set; } = "StartTls";

    /// <summary>
    /// Hosts besides loopback that <see cref="Security"/> None may send to: a mail catcher on the deployment's own
    /// network (docker-compose's "mail"). To any other host, None is refused at startup: a relay named without
    /// Smtp:Security would get every notice, its link and the SMTP password in clear.
    /// </summary>
    public string[] CleartextHosts { get; set; } = [];

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender address of every mail (notices, announcements, replies); required. A bare address: the
    /// display name is <see cref="FromName"/> ("Team &lt;sec@example.org&gt;" here failed every send, and made the EHLO name "example.org&gt;").</summary>
    [Required, RegularExpression(@"^[^\s<>()@"",;:]+@[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$",
         ErrorMessage = "must be a bare address such as security@example.org (the display name is Smtp:FromName)")]
    public string From { get; set; } = "";

    public string FromName { get; set; } = "Security Response Team";

    /// <summary>
    /// The name this client gives in EHLO; by default the domain of <see cref="From"/>. MailKit's own default, the
    /// machine's host name, would tell every recipient's mail server (in its Received header) the internal name of the
    /// host that sends embargoed notices, or give a container's random id, which strict servers refuse.
    /// </summary>
    [RegularExpression(@"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$", ErrorMessage = "must be a host name, e.g. mail.example.org")]
    public string? HeloName { get; set; }

    public string EffectiveHeloName => string.IsNullOrWhiteSpace(HeloName) ? From[(From.LastIndexOf('@') + 1)..] : HeloName;

    /// <summary>Parallel SMTP connections, each reused for many messages.</summary>
    [Range(1, 64)]
    public int MaxConnections { get; set; } = 4;

    [Range(1, 600)]
    public int TimeoutSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Security == "None" && !IsLoopback(Host) && !CleartextHosts.Contains(Host, StringComparer.OrdinalIgnoreCase))
            yield return new ValidationResult(
                $"None sends every mail (notices, their links, the SMTP password) in clear to {Host}: set StartTls or SslOnConnect, " +
                $"or list {Host} in {Section}:{nameof(CleartextHosts)} if it is a mail catcher", [nameof(Security)]);
    }

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
