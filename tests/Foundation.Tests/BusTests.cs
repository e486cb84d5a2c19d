using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Members;
using Coordination.Hosting;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Testing;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Foundation.Tests;

public sealed class BusTests
{
    [Fact]
    public async Task An_event_published_on_one_services_bus_is_consumed_by_another_service_through_the_broker()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("bus");
        await using var disclosure = ServiceProcess.Start("Disclosure", isolation.ServiceSettings());
        await disclosure.WaitUntilReadyAsync();

        var memberId = Guid.NewGuid();
        var token = TestTokens.Issue(isolation.SigningKey, Roles.Member, memberId);
        using var http = disclosure.CreateClient(token);
        var me = await http.GetFromJsonAsync<WhoAmIResponse>("whoami");
        Assert.Equal(memberId, me!.MemberId);

        // The publisher is a bus built exactly as every service builds its own (Hosting's AddCoordinationBus).
        using var publisher = await StartPublisherAsync(isolation);
        await publisher.Services.GetRequiredService<IBus>().Publish(new MemberAccessRevoked(memberId, null, DateTimeOffset.UtcNow));

        var status = HttpStatusCode.OK;
        for (var i = 0; i < 100 && status == HttpStatusCode.OK; i++)
        {
            await Task.Delay(100);
            status = (await http.GetAsync("whoami")).StatusCode;
        }
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await publisher.StopAsync();
    }

    [Fact]
    public async Task A_command_sent_to_a_queue_no_service_has_declared_is_returned_by_the_broker_not_dropped_while_an_unheard_event_is_fine()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("bus-returned");
        using var host = await StartPublisherAsync(isolation);
        var bus = host.Services.GetRequiredService<IBus>();

        var endpoint = await bus.GetSendEndpoint(Queues.Address($"nobody-home-{Guid.NewGuid():N}"));
        await Assert.ThrowsAsync<MessageReturnedException>(() => endpoint.Send(new MemberAccessRevoked(Guid.NewGuid(), null, DateTimeOffset.UtcNow)));
        // The redelivery and the clock go through the scheduler's exchange: no scheduler ever started here either.
        var scheduler = await bus.GetSendEndpoint(BusRegistration.SchedulerAddress);
        await Assert.ThrowsAsync<MessageReturnedException>(() => scheduler.Send(new MemberAccessRevoked(Guid.NewGuid(), null, DateTimeOffset.UtcNow)));

        await bus.Publish(new UnheardOf(Guid.NewGuid()));
        await host.StopAsync();
    }

    public sealed record UnheardOf(Guid Id);

    private static Task<IHost> StartPublisherAsync(Isolation isolation) => ServiceBusHost.StartAsync(isolation, "bus-test-publisher");
}
