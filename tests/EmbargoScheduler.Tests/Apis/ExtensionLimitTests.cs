using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace EmbargoScheduler.Tests.Apis;

/// <summary>Embargo:MaxExtensions:&lt;channel&gt; on the service as a process.</summary>
public sealed class ExtensionLimitTests
{
    [Fact]
    public async Task An_extension_beyond_the_channels_limit_is_a_422_naming_the_limit()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("embargo-api");
        var settings = SchedulerService.Settings(isolation);
        settings["Embargo__MaxExtensions__distros"] = "1";
        await using var service = await SchedulerService.StartAsync(settings);
        using var others = await TestBus.StartAsync(isolation, "others-stand-in", x =>
        {
            x.Accept<NotifyDownstream>(Queues.DownstreamNotifier);
            x.Accept<PublishAdvisory>(Queues.Disclosure);
        });
        var bus = others.Services.GetRequiredService<IBus>();
        using var http = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member, Guid.NewGuid()));
        var db = new EmbargoDatabase(isolation);
        var caseId = NewId.NextGuid();
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(5);
        await bus.Publish(new StartEmbargo(caseId, disclosureAt, ["distros"], Guid.NewGuid(), DateTimeOffset.UtcNow));
        await db.WaitUntilAsync(async () => await db.CountSagasInStateAsync("Embargoed") == 1, TimeSpan.FromSeconds(20), "the case is embargoed");

        var first = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(1), reason = "backport" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await db.WaitUntilAsync(async () => (await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo")).GetProperty("extensions").GetArrayLength() == 1,
            TimeSpan.FromSeconds(20), "the first extension is recorded");
        Assert.Equal(1, (await http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo")).GetProperty("policy").GetProperty("caseMaxExtensions").GetInt32());

        var second = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(2), reason = "another backport" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, second.StatusCode);
        var problem = await second.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("at most 1 extension", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("extensions", out _));
    }

    [Fact]
    public async Task A_negative_limit_stops_the_service_naming_the_setting()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("config");
        var settings = SchedulerService.Settings(isolation);
        settings["Embargo__MaxExtensions__distros"] = "-1";

        await using var process = ServiceProcess.Start("EmbargoScheduler", settings);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(process.Output.Split('\n'), l => l.Contains("configuration error"));
        Assert.Contains("Embargo:MaxExtensions:distros", line);
        Assert.DoesNotContain("   at ", process.Output);
    }
}
