using System.Net;
using Coordination.Testing;

namespace Foundation.Tests;

public sealed class ServiceStartupTests
{
    public static TheoryData<string> Services => new() { "Intake", "EmbargoScheduler", "DownstreamNotifier", "Disclosure" };

    [Theory]
    [MemberData(nameof(Services))]
    public async Task Starts_against_the_real_broker_and_database_and_migrates_once(string service)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("boot");
        var settings = isolation.ServiceSettings();

        await using (var first = ServiceProcess.Start(service, settings))
        {
            await first.WaitUntilReadyAsync();
            using var http = first.CreateClient();
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live")).StatusCode);
            var ready = await http.GetStringAsync("health/ready");
            Assert.Contains("\"postgres\":{\"status\":\"Healthy\"", ready);
            Assert.Contains("\"masstransit-bus\":{\"status\":\"Healthy\"", ready);
            Assert.Matches(@"up to date \([1-9]\d* migration\(s\) applied now\)", first.Output);
        }

        await using var second = ServiceProcess.Start(service, settings);
        await second.WaitUntilReadyAsync();
        Assert.Contains("up to date (0 migration(s) applied now)", second.Output);
    }
}
