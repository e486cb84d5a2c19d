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
    public async Task A_revocation_made_before_a_service_first_started_reaches_it_when_it_starts()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("bus-resync");
        await using var intake = ServiceProcess.Start("Intake", isolation.ServiceSettings());
        await intake.WaitUntilReadyAsync();
        using var admin = intake.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Admin, Guid.NewGuid()));
        var (ritaId, revokedToken, revokedTokenId) = await AddMemberWithTokenAsync(admin, "rita");
        var (removedId, removedToken, _) = await AddMemberWithTokenAsync(admin, "remy");
        var (_, keptToken, _) = await AddMemberWithTokenAsync(admin, "kim");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"members/{ritaId}/tokens/{revokedTokenId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"members/{removedId}?reason=left%20the%20team")).StatusCode);

        // Disclosure's queues do not exist yet: the two MemberAccessRevoked events reached no queue of it.
        await using var disclosure = ServiceProcess.Start("Disclosure", isolation.ServiceSettings());
        await disclosure.WaitUntilReadyAsync();
        using var kept = disclosure.CreateClient(keptToken);
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync("whoami")).StatusCode);
        foreach (var token in new[] { revokedToken, removedToken })
        {
            using var http = disclosure.CreateClient(token);
            var status = HttpStatusCode.OK;
            for (var i = 0; i < 300 && status == HttpStatusCode.OK; i++)
            {
                status = (await http.GetAsync("whoami")).StatusCode;
                if (status == HttpStatusCode.OK) await Task.Delay(100);
            }
            Assert.Equal(HttpStatusCode.Unauthorized, status);
        }
        Assert.Equal(HttpStatusCode.OK, (await kept.GetAsync("whoami")).StatusCode);
    }

    private static async Task<(Guid Id, string Token, Guid TokenId)> AddMemberWithTokenAsync(HttpClient admin, string handle)
    {
        var created = await admin.PostAsJsonAsync("members", new { name = "Member " + handle, email = handle + "@example.org", publicHandle = handle, role = "member" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<MemberRow>())!.Id;
        var issued = await admin.PostAsJsonAsync($"members/{id}/tokens", new { });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var token = (await issued.Content.ReadFromJsonAsync<TokenRow>())!;
        return (id, token.Token, token.TokenId);
    }

    private sealed record MemberRow(Guid Id);

    private sealed record TokenRow(Guid TokenId, string Token);

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
