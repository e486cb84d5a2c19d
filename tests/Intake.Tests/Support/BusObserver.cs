using System.Collections.Concurrent;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Members;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using MassTransit;

namespace Intake.Tests.Support;

/// <summary>
/// A small real MassTransit bus on the test's vhost that records every event intake publishes and every command
/// it sends to the embargo-scheduler's queue (playing the scheduler).
/// </summary>
public sealed class BusObserver : IAsyncDisposable
{
    private readonly IBusControl bus;
    private readonly ConcurrentQueue<object> received = new();

    private BusObserver(IBusControl bus) => this.bus = bus;

    public IReadOnlyList<object> Received => received.ToList();

    public static async Task<BusObserver> StartAsync(Isolation isolation)
    {
        BusObserver? observer = null;
        var e = isolation.Endpoints;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(e.RabbitHost, (ushort)e.RabbitPort, isolation.VirtualHost, h =>
            {
                h.Username(e.RabbitUser);
                h.Password(e.RabbitPassword);
            });
            cfg.ReceiveEndpoint("test-observer-" + Guid.NewGuid().ToString("N"), ep =>
            {
                ep.AutoDelete = true;
                Record<CaseOpened>(ep);
                Record<AdvisoryDraftUpdated>(ep);
                Record<MemberAccessRevoked>(ep);
                Record<MemberJoined>(ep);
                Record<MemberLeft>(ep);
                Record<CoordinatorAssigned>(ep);
                Record<MemberNominated>(ep);
                Record<VoteClosed>(ep);
            });
            cfg.ReceiveEndpoint(Queues.EmbargoScheduler, ep =>
            {
                ep.SetQuorumQueue(); // as the embargo-scheduler declares it, so both can run on one vhost
                Record<StartEmbargo>(ep);
                Record<WithdrawCase>(ep);
            });
        });
        observer = new BusObserver(bus);
        await bus.StartAsync();
        return observer;

        void Record<T>(IReceiveEndpointConfigurator ep) where T : class =>
            ep.Handler<T>(ctx => { observer!.received.Enqueue(ctx.Message); return Task.CompletedTask; });
    }

    /// <summary>Publishes as another service would, with a fixed message id so a test can redeliver it.</summary>
    public Task PublishAsync<T>(T message, Guid messageId) where T : class =>
        bus.Publish(message, ctx => ctx.MessageId = messageId);

    /// <summary>Sends a command to a service's queue as another service would.</summary>
    public async Task SendAsync<T>(string queue, T message) where T : class =>
        await (await bus.GetSendEndpoint(Queues.Address(queue))).Send(message);

    public IReadOnlyList<T> All<T>() => received.OfType<T>().ToList();

    /// <summary>Waits until a message of type T matching the predicate has arrived; fails after the timeout.</summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (DateTime.UtcNow < deadline)
        {
            var found = received.OfType<T>().FirstOrDefault(m => match?.Invoke(m) ?? true);
            if (found is not null) return found;
            await Task.Delay(50);
        }
        throw new TimeoutException($"no {typeof(T).Name} arrived within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds}s; got: " +
                                   string.Join(", ", received.Select(m => m.GetType().Name)));
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();
}
