using MassTransit;

namespace EmbargoScheduler.Tests.Sagas;

public sealed class CounterStateMachine : MassTransitStateMachine<CounterState>
{
    public CounterStateMachine()
    {
        InstanceState(x => x.CurrentState);
        Event(() => Incremented, e =>
        {
            e.CorrelateById(c => c.Message.CounterId);
            e.InsertOnInitial = true;
            e.SetSagaFactory(c => new CounterState { CorrelationId = c.Message.CounterId });
        });
        Initially(When(Incremented).Then(Count).TransitionTo(Counting));
        During(Counting, When(Incremented).Then(Count));
    }

    public State Counting { get; private set; } = null!;
    public Event<Increment> Incremented { get; private set; } = null!;

    private static void Count(BehaviorContext<CounterState, Increment> c)
    {
        c.Saga.Count++;
        c.Saga.Seen.Add(c.Message.N);
    }
}
