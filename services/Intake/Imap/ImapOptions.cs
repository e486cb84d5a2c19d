using System.ComponentModel.DataAnnotations;

namespace Intake.Imap;

/// <summary>Settings "Imap:*": the security@ mailbox the poller reads. Off while Host is empty.</summary>
public sealed class ImapOptions : IValidatableObject
{
    public const string Section = "Imap";

    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 993;

    public string? Username { get; set; }

    public string? Password { get; set; }

    [Required]
    public string Mailbox { get; set; } = "INBOX";

    [Range(1, 86_400)]
    public int PollSeconds { get; set; } = 60;

    /// <summary>None, StartTls (required STARTTLS), StartTlsWhenAvailable, or SslOnConnect.</summary>
    [RegularExpression("^(None|StartTls|StartTlsWhenAvailable|SslOnConnect)$", ErrorMessage = "must be None, StartTls, StartTlsWhenAvailable or SslOnConnect")]
    public string Security { get; set; } = "SslOnConnect";

    /// <summary>Messages taken per poll (the rest wait for the next poll).</summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    public bool Enabled => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(Username))
            yield return new ValidationResult("is required when Imap:Host is set", [nameof(Username)]);
        if (Enabled && string.IsNullOrEmpty(Password))
            yield return new ValidationResult("is required when Imap:Host is set", [nameof(Password)]);
    }
}
