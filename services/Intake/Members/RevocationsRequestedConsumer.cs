using Coordination.Contracts.Members;
using MassTransit;
using Npgsql;

namespace Intake.Members;

/// <summary>A service started and asks for every revocation: published to all (those that have them lose nothing).</summary>
public sealed class RevocationsRequestedConsumer(NpgsqlDataSource dataSource, TimeProvider time) : IConsumer<MemberAccessRevocationsRequested>
{
    public Task Consume(ConsumeContext<MemberAccessRevocationsRequested> context) =>
        RevocationsRepublisher.PublishAllAsync(dataSource, time, context.CancellationToken);
}
