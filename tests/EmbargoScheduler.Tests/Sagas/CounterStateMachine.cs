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
        Event(() => ReminderRequested, e => e.CorrelateById(c => c.Message.CounterId));
        Initially(When(Incremented).Then(Count).TransitionTo(Counting));
        During(Counting, When(Incremented).Then(Count),
            When(ReminderRequested).ThenAsync(async c =>
            {
                await c.ScheduleSend(Elsewhere, DateTime.UtcNow.AddHours(1), new Increment(c.Saga.CorrelationId, -1));
                c.Saga.Count++;
                if (c.Message.FailAfterScheduling) throw new InvalidOperationException("failing after scheduling, as a crash before commit would");
            }));
    }

    public static readonly Uri Elsewhere = new("exchange:elsewhere");

    public State Counting { get; private set; } = null!;
    public Event<Increment> Incremented { get; private set; } = null!;
    public Event<ScheduleReminder> ReminderRequested { get; private set; } = null!;

    private static void Count(BehaviorContext<CounterState, Increment> c)
    {
        c.Saga.Count++;
        c.Saga.Seen.Add(c.Message.N);
    }
}
