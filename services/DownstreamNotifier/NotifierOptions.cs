using System.ComponentModel.DataAnnotations;

namespace DownstreamNotifier;

/// <summary>Settings "Notifier:*".</summary>
public sealed class NotifierOptions
{
    public const string Section = "Notifier";

    /// <summary>Base of the acknowledgement links in notices: {PublicBaseUrl}/notices/{token}; required.</summary>
    [Required, Url]
    public string PublicBaseUrl { get; set; } = "";

    /// <summary>HMAC key of the acknowledgement tokens, base64, at least 32 bytes.</summary>
    [Required]
    public string LinkKey { get; set; } = "";

    /// <summary>A link stops working this many days after the disclosure instant.</summary>
    [Range(1, 3650)]
    public int LinkValidDays { get; set; } = 30;

    /// <summary>How many "ships X / depends on X" hops recipient resolution follows.</summary>
    [Range(1, 20)]
    public int MaxDepth { get; set; } = 3;

    /// <summary>Per channel: "Notifier:Channels:distros:RequireEncryption".</summary>
    public Dictionary<string, ChannelOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["distros"] = new ChannelOptions { RequireEncryption = true },
    };

    /// <summary>Optional team secret key (ASCII armored) to sign encrypted notices with.</summary>
    public string? SigningKey { get; set; }

    public string? SigningKeyPassphrase { get; set; }

    /// <summary>Notices one sender worker claims (and locks) per transaction.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 100;

    [Range(50, 60_000)]
    public int PollIntervalMs { get; set; } = 1000;

    [Range(50, 60_000)]
    public int ProgressIntervalMs { get; set; } = 1000;

    /// <summary>
    /// A round whose notices are still not all recorded this long after it began, and after this process started, has
    /// lost its NotifyDownstream (typically to the error queue after the retries: recording takes seconds, the retries
    /// under a minute); the message is sent again then, and after each further such period, up to three times, after
    /// which the round is logged as an error (see DeliveryReporter and StalledRounds).
    /// </summary>
    [Range(1, 86_400)]
    public int RecordingOverdueSeconds { get; set; } = 300;

    [Range(1, 86_400)]
    public int RetryBaseDelaySeconds { get; set; } = 60;

    [Range(1, 86_400)]
    public int RetryMaxDelaySeconds { get; set; } = 3600;

    /// <summary>After this many temporary failures a notice is failed (defaults: about a day of retries).</summary>
    [Range(1, 1000)]
    public int RetryMaxAttempts { get; set; } = 30;

    public byte[] LinkKeyBytes() => Convert.FromBase64String(LinkKey);

    public bool RequiresEncryption(IEnumerable<string> channels) =>
        channels.Any(c => Channels.TryGetValue(c, out var o) && o.RequireEncryption);

    /// <summary>The channels that require encryption, in lower case (as projects' channels are stored).</summary>
    public string[] EncryptionChannels() => Channels.Where(c => c.Value.RequireEncryption).Select(c => c.Key.ToLowerInvariant()).ToArray();
}
