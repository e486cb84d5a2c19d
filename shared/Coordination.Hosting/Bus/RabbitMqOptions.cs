using System.ComponentModel.DataAnnotations;

namespace Coordination.Hosting.Bus;

/// <summary>Settings "RabbitMq:*" (environment: RabbitMq__Host, RabbitMq__Port, ...).</summary>
public sealed class RabbitMqOptions
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
}
