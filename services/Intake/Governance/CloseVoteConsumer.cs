using Coordination.Contracts.Members;
using MassTransit;

namespace Intake.Governance;

/// <summary>The durable clock's CloseVote, on queue "intake": the vote closes once, however often this arrives.</summary>
public sealed class CloseVoteConsumer(VoteCloser closer) : IConsumer<CloseVote>
{
    public Task Consume(ConsumeContext<CloseVote> context) => closer.CloseAsync(context.Message.NominationId, context.CancellationToken);
}
