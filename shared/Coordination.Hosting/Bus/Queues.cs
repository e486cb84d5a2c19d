namespace Coordination.Hosting.Bus;

/// <summary>
/// The fixed queues commands are sent to (events are published). Each service names the receive endpoint of
/// its command consumers (or saga) after itself, e.g. <c>.Endpoint(e => e.Name = Queues.DownstreamNotifier)</c>.
/// </summary>
public static class Queues
{
    public const string Intake = "intake";
    public const string EmbargoScheduler = "embargo-scheduler";
    public const string DownstreamNotifier = "downstream-notifier";
    public const string Disclosure = "disclosure";

    /// <summary>The durable clock's queue (ScheduleMessage / CancelScheduledMessage), served by embargo-scheduler.</summary>
    public const string Scheduler = BusRegistration.SchedulerQueue;

    /// <summary>The address to send a command to: the queue's exchange (see BusRegistration.SchedulerAddress for why).</summary>
    public static Uri Address(string queue) => new("exchange:" + queue);
}
