using EmbargoScheduler.Policy;
using MassTransit;

namespace EmbargoScheduler.StateMachines;

/// <summary>The coordination saga of one case (row of coordination_sagas; this object is its jsonb body).</summary>
public sealed class CoordinationState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }

    public Guid? CoordinatorId { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }

    /// <summary>The latest draft revision seen; PublishAdvisory asks for it.</summary>
    public int? LatestRevision { get; set; }

    public List<string> Channels { get; set; } = [];
    public DateTimeOffset? StartedAt { get; set; }
    public Guid? StartedBy { get; set; }
    public DateTimeOffset? DisclosureAt { get; set; }

    /// <summary>The channels' limits when the embargo started, so that a later configuration never loosens them nor
    /// loses them with a channel it no longer has (null in sagas stored before they were kept).</summary>
    public ChannelLimits? LimitsAtStart { get; set; }

    public Guid? DisclosureTokenId { get; set; }

    /// <summary>The PublishAdvisory waiting in the clock for the disclosure instant, and the revision it asks for.</summary>
    public Guid? PublicationTokenId { get; set; }
    public int? ScheduledRevision { get; set; }

    public Guid? ReminderTokenId { get; set; }
    public int RemindersSent { get; set; }

    public List<EmbargoExtension> Extensions { get; set; } = [];
    public List<EmbargoRefusal> Refusals { get; set; } = [];

    public string? BreakReason { get; set; }
    public Guid? BrokenBy { get; set; }
    public DateTimeOffset? BrokenAt { get; set; }

    public string? WithdrawReason { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }

    public DateTimeOffset? DisclosingAt { get; set; }
    public int? RequestedRevision { get; set; }
    public string? AdvisoryId { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>The embargo as the policy sees it; only once it has started.</summary>
    public RunningEmbargo AsRunningEmbargo() => new(Channels, LimitsAtStart, StartedAt!.Value, DisclosureAt!.Value, Extensions.Count);
}
