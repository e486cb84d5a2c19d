using System.Collections.Concurrent;
using Coordination.Contracts.Disclosure;
using Coordination.Testing;
using MassTransit;

namespace Disclosure.Tests.Support;

/// <summary>The test's own bus on the isolation's virtual host: sends commands, publishes events, records AdvisoryPublished and AdvisoryWithdrawn.</summary>
public sealed class TestBus : IAsyncDisposable
{
    private readonly IBusControl bus;
    public ConcurrentQueue<AdvisoryPublished> Published { get; } = new();
    public ConcurrentQueue<AdvisoryWithdrawn> Withdrawn { get; } = new();

    private TestBus(IBusControl bus) => this.bus = bus;

    public static async Task<TestBus> StartAsync(Isolation isolation)
    {
        TestBus? self = null;
        var e = isolation.Endpoints;
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(e.RabbitHost, (ushort)e.RabbitPort, isolation.VirtualHost, h =>
            {
                h.Username(e.RabbitUser);
                h.Password(e.RabbitPassword);
            });
            cfg.ReceiveEndpoint("disclosure-test-observer", r =>
            {
                r.Handler<AdvisoryPublished>(ctx => { self!.Published.Enqueue(ctx.Message); return Task.CompletedTask; });
                r.Handler<AdvisoryWithdrawn>(ctx => { self!.Withdrawn.Enqueue(ctx.Message); return Task.CompletedTask; });
            });
        });
        self = new TestBus(bus);
        await bus.StartAsync();
        return self;
    }

    public Task Publish<T>(T message, Guid? messageId = null) where T : class =>
        bus.Publish(message, ctx => { if (messageId is { } id) ctx.MessageId = id; });

    /// <summary>To the disclosure queue through its exchange (the service declares the quorum queue itself).</summary>
    public async Task SendToDisclosure<T>(T message, Guid messageId) where T : class
    {
        var endpoint = await bus.GetSendEndpoint(new Uri("exchange:disclosure"));
        await endpoint.Send(message, ctx => ctx.MessageId = messageId);
    }

    public async ValueTask DisposeAsync() => await bus.StopAsync();
}
