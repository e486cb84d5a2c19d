using Coordination.Contracts.Embargo;
using Coordination.Hosting.Bus;
using EmbargoScheduler.Policy;
using EmbargoScheduler.StateMachines;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EmbargoScheduler.Tests.StateMachines;

/// <summary>The coordination state machine on MassTransit's in-memory harness, with a movable clock. Scheduling goes to
/// queue:scheduler as in production, where the test sees the ScheduleMessage/CancelScheduledMessage commands.</summary>
public sealed class CoordinationHarness : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider provider;

    public FakeTimeProvider Time { get; } = new(Start);
    public ITestHarness Harness { get; }
    public ISagaStateMachineTestHarness<CoordinationStateMachine, CoordinationState> Saga { get; }
    public CoordinationStateMachine Machine { get; }

    private CoordinationHarness(EmbargoOptions options)
    {
        provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(Time)
            .AddSingleton(new EmbargoPolicy(options))
            .AddMassTransitTestHarness(x =>
            {
                x.AddMessageScheduler(BusRegistration.SchedulerAddress);
                x.AddSagaStateMachine<CoordinationStateMachine, CoordinationState>();
                x.UsingInMemory((context, cfg) =>
                {
                    cfg.UseMessageScheduler(BusRegistration.SchedulerAddress);
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        Harness = provider.GetRequiredService<ITestHarness>();
        Harness.TestTimeout = TimeSpan.FromSeconds(10);
        Saga = Harness.GetSagaStateMachineHarness<CoordinationStateMachine, CoordinationState>();
        Machine = Saga.StateMachine;
    }

    public static async Task<CoordinationHarness> StartAsync(EmbargoOptions? options = null)
    {
        var h = new CoordinationHarness(options ?? new EmbargoOptions());
        await h.Harness.Start();
        return h;
    }

    public CoordinationState? Instance(Guid caseId) => Saga.Sagas.Contains(caseId);

    /// <summary>Waits until the case's saga is in the state (fails the test otherwise).</summary>
    public async Task InState(Guid caseId, Func<CoordinationStateMachine, State> state)
    {
        var found = await Saga.Exists(caseId, state, TimeSpan.FromSeconds(10));
        Assert.True(found.HasValue, $"case {caseId} did not reach {state(Machine).Name}; it is {Instance(caseId)?.CurrentState ?? "absent"}");
    }

    public async Task<EmbargoRequestRefused> Refused(Guid caseId, string request)
    {
        Assert.True(await Harness.Published.Any<EmbargoRequestRefused>(m => m.Context.Message.CaseId == caseId && m.Context.Message.Request == request),
            $"no refusal of {request} for {caseId}");
        return Harness.Published.Select<EmbargoRequestRefused>().Last(m => m.Context.Message.CaseId == caseId && m.Context.Message.Request == request).Context.Message;
    }

    /// <summary>Delivers a scheduled message as the clock would: with its scheduling token header.</summary>
    public Task Fire<T>(T message, Guid? tokenId) where T : class =>
        Harness.Bus.Publish(message, ctx => { if (tokenId is { } t) ctx.Headers.Set(MessageHeaders.SchedulingTokenId, t.ToString("D")); });

    public async ValueTask DisposeAsync()
    {
        await Harness.Stop();
        await provider.DisposeAsync();
    }
}
