using MassTransit;

namespace EmbargoScheduler.Tests.Sagas;

/// <summary>A saga that only counts: any lost update shows as a missing number.</summary>
public sealed class CounterState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string? CurrentState { get; set; }
    public int Version { get; set; }
    public int Count { get; set; }
    public List<int> Seen { get; set; } = [];
}
