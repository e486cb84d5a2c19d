using System.Net;
using Coordination.Contracts.Members;
using Coordination.Testing;
using Dapper;
using Intake.Governance;
using Intake.Tests.Support;
using Npgsql;
using static Intake.Tests.Governance.GovernanceTeam;

namespace Intake.Tests.Governance;

/// <summary>
/// Governance with the other services running as real processes (built dlls, same broker vhost and database):
/// revocation everywhere, and the vote closed by embargo-scheduler's durable clock across restarts.
/// </summary>
public sealed class AcrossServicesTests
{
    private static readonly string[] OtherServices = ["EmbargoScheduler", "DownstreamNotifier", "Disclosure"];

    [Fact]
    public async Task Leaving_revokes_the_token_in_all_four_services()
    {
        await using var f = await IntakeFixture.StartAsync();
        var processes = OtherServices.Select(s => ServiceProcess.Start(s, f.Isolation.ServiceSettings())).ToList();
        try
        {
            await Task.WhenAll(processes.Select(p => p.WaitUntilReadyAsync()));
            var team = new GovernanceTeam(f);
            var leaver = await team.AddAsync("leaver4");
            var clients = processes.Select(p => Client(p.BaseAddress, leaver.Token)).Append(leaver.Http).ToList();
            foreach (var c in clients) Assert.Equal(HttpStatusCode.OK, (await c.GetAsync("whoami")).StatusCode);

            Assert.Equal(HttpStatusCode.OK, (await leaver.Http.Post("team/leave", new { })).StatusCode);

            Assert.Equal(HttpStatusCode.Unauthorized, (await leaver.Http.GetAsync("whoami")).StatusCode);
            var deadline = DateTime.UtcNow.AddSeconds(20);
            var statuses = new HttpStatusCode[clients.Count];
            while (DateTime.UtcNow < deadline)
            {
                for (var i = 0; i < clients.Count; i++) statuses[i] = (await clients[i].GetAsync("whoami")).StatusCode;
                if (statuses.All(s => s == HttpStatusCode.Unauthorized)) break;
                await Task.Delay(200);
            }
            Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        }
        finally
        {
            foreach (var p in processes) await p.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_vote_closes_by_itself_on_the_durable_clock_while_intake_and_the_clock_were_down_at_the_deadline()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        var settings = new Dictionary<string, string> { ["Governance__VotePeriodSeconds"] = "6" };
        await using var bus = await BusObserver.StartAsync(isolation);
        ServiceProcess? clock = ServiceProcess.Start("EmbargoScheduler", isolation.ServiceSettings());
        var intake = await IntakeHost.StartAsync(isolation, settings);
        try
        {
            await clock!.WaitUntilReadyAsync();
            var f = new IntakeFixture { Isolation = isolation, Bus = bus, Host = intake };
            var team = new GovernanceTeam(f);
            var voters = await team.AddManyAsync(3, "rs");
            var (id, closesAt) = await NominateAsync(voters[0].Http, "cand-restart");
            await VoteAllAsync(voters, id, VoteChoices.Yes);

            await using (var conn = new NpgsqlConnection(isolation.ConnectionString))
            {
                var stored = DateTime.UtcNow.AddSeconds(15);
                while (DateTime.UtcNow < stored && await conn.ExecuteScalarAsync<int>(
                           "SELECT count(*) FROM embargo.scheduled_messages WHERE state = 'pending' AND destination LIKE '%intake%'") == 0)
                    await Task.Delay(100);
                Assert.True(DateTime.UtcNow < stored, "the clock never stored the CloseVote");
            }
            await intake.DisposeAsync();
            await clock.DisposeAsync();
            clock = null;

            await Task.Delay(closesAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1));
            Assert.Empty(bus.All<VoteClosed>());
            clock = ServiceProcess.Start("EmbargoScheduler", isolation.ServiceSettings());
            await clock.WaitUntilReadyAsync();
            await Task.Delay(TimeSpan.FromSeconds(2)); // the clock fires the overdue CloseVote into intake's queue
            intake = await IntakeHost.StartAsync(isolation, settings);

            var closed = await bus.WaitForAsync<VoteClosed>(v => v.NominationId == id, TimeSpan.FromSeconds(30));
            Assert.Equal(("accepted", 3), (closed.Result, closed.Yes));
            Assert.True(closed.ClosedAt >= closesAt);
            var shown = await (await intake.Client(voters[1].Token).GetAsync($"nominations/{id}")).Json();
            Assert.Equal("accepted", shown.GetProperty("status").GetString());
        }
        finally
        {
            await intake.DisposeAsync();
            if (clock is not null) await clock.DisposeAsync();
            await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
        }
    }

    private static HttpClient Client(Uri baseAddress, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        return http;
    }
}
