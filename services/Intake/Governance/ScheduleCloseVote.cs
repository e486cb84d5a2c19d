using Coordination.Contracts.Members;
using Coordination.Hosting.Bus;
using MassTransit;
using MassTransit.Scheduling;

namespace Intake.Governance;

/// <summary>
/// MassTransit's ScheduleMessage command for a vote's deadline, written to the outbox in the nomination's
/// transaction and sent to the durable clock (queue "scheduler", served by embargo-scheduler), which stores it
/// and sends <see cref="CloseVote"/> to queue "intake" when due, also after downtime.
/// A concrete record (not MassTransit's ScheduleSend) because the outbox stores messages as JSON of a concrete type.
/// </summary>
public sealed record ScheduleCloseVote(Guid CorrelationId, DateTime ScheduledTime, string[] PayloadType, Uri Destination, CloseVote Payload)
    : ScheduleMessage
{
    object ScheduleMessage.Payload => Payload;

    public static ScheduleCloseVote For(Guid nominationId, DateTimeOffset closesAt) => new(
        NewId.NextGuid(), closesAt.UtcDateTime, MessageTypeCache<CloseVote>.MessageTypeNames,
        CloseVoteAddress, new CloseVote(nominationId));

    /// <summary>Intake's command endpoint, addressed like every command (its exchange; see <see cref="Queues.Address"/>).</summary>
    public static readonly Uri CloseVoteAddress = Queues.Address(Queues.Intake);
}
