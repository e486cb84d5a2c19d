using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace Coordination.Hosting.Bus;

/// <summary>Settings "RabbitMq:*" (environment: RabbitMq__Host, RabbitMq__Port, ...).</summary>
public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    [Required]
    public string Host { get; set; } = "";

    [Range(1, 65535)]
    public int Port { get; set; } = 5672;

    [Required]
    public string VirtualHost { get; set; } = "/";

    [Required]
    public string Username { get; set; } = "guest";

    [Required]
    public string Password { get; set; } = "guest";

    [Range(1, 10_000)]
    public int PrefetchCount { get; set; } = 64;

    [Range(1, 1_000)]
    public int ConcurrentMessageLimit { get; set; } = 16;

    /// <summary>Quorum queues need a broker cluster-capable node (RabbitMQ 3.8+); on by default.</summary>
    public bool QuorumQueues { get; set; } = true;

    /// <summary>
    /// How long to wait before each redelivery of a message whose consumer still fails after the immediate retries
    /// (a database failing over, a service restarting): comma-separated durations ("00:01:00,00:05:00"), kept by the
    /// embargo-scheduler's durable clock. After the last, the message goes to the queue's _error queue. Empty: none.
    /// </summary>
    public string RedeliveryIntervals { get; set; } = "00:01:00,00:05:00,00:15:00,01:00:00,04:00:00";

    public static readonly TimeSpan MaxRedeliveryInterval = TimeSpan.FromDays(7);

    /// <summary>The parsed <see cref="RedeliveryIntervals"/> (valid once the options are validated).</summary>
    public TimeSpan[] Redeliveries() => RedeliveryIntervals
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Select(s => TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out var t) ? t : TimeSpan.MinValue)
        .ToArray();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Redeliveries().Any(t => t <= TimeSpan.Zero || t > MaxRedeliveryInterval))
            yield return new ValidationResult(
                $"must be comma-separated durations (hh:mm:ss or d.hh:mm:ss), each above zero and at most {MaxRedeliveryInterval.TotalDays:0} days",
                [nameof(RedeliveryIntervals)]);
    }
}
