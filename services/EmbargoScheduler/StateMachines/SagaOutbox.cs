using Coordination.Hosting.Data;
using MassTransit;
using Npgsql;

namespace EmbargoScheduler.StateMachines;

/// <summary>
/// The saga's sends and publishes, written to the outbox in the saga's own transaction: they leave only when the
/// state change that made them commits, and then surely. Sent straight to the broker before the commit, a crash in
/// between told downstream of a decision the saga never saved (an Embargoed notice for a start refused on
/// redelivery), and a start redelivered after the first reminder's time no longer armed that reminder.
/// Without the saga transaction (MassTransit's test harness keeps sagas in memory) they go straight to the broker.
/// </summary>
public static class SagaOutbox
{
    public static Task Send<T>(ConsumeContext c, Uri destination, T message) where T : class =>
        c.TryGetPayload<NpgsqlTransaction>(out var tx)
            ? Outbox.SendAsync(tx.Connection!, tx, destination.ToString(), message)
            : SendNow(c, destination, message);

    public static Task Publish<T>(ConsumeContext c, T message) where T : class =>
        c.TryGetPayload<NpgsqlTransaction>(out var tx)
            ? Outbox.PublishAsync(tx.Connection!, tx, message)
            : c.Publish(message, c.CancellationToken);

    public static EventActivityBinder<TSaga, TMessage> SendAfterCommit<TSaga, TMessage, T>(this EventActivityBinder<TSaga, TMessage> binder,
        Uri destination, Func<BehaviorContext<TSaga, TMessage>, T> message)
        where TSaga : class, SagaStateMachineInstance where TMessage : class where T : class =>
        binder.ThenAsync(c => Send(c, destination, message(c)));

    public static EventActivityBinder<TSaga, TMessage> PublishAfterCommit<TSaga, TMessage, T>(this EventActivityBinder<TSaga, TMessage> binder,
        Func<BehaviorContext<TSaga, TMessage>, T> message)
        where TSaga : class, SagaStateMachineInstance where TMessage : class where T : class =>
        binder.ThenAsync(c => Publish(c, message(c)));

    private static async Task SendNow<T>(ConsumeContext c, Uri destination, T message) where T : class
    {
        var endpoint = await c.GetSendEndpoint(destination);
        await endpoint.Send(message, c.CancellationToken);
    }
}
