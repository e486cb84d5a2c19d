using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Testing;
using EmbargoScheduler.Tests.Support;

namespace EmbargoScheduler.Tests.Apis;

/// <summary>Embargo:MaxExtensions:&lt;channel&gt; on the service as a process.</summary>
public sealed class ExtensionLimitTests
{
    [Fact]
    public async Task An_extension_beyond_the_channels_limit_is_a_422_naming_the_limit()
    {
        await using var scenario = await EmbargoScenario.StartAsync("embargo-api", s => s["Embargo__MaxExtensions__distros"] = "1");
        var (http, db) = (scenario.Http, scenario.Db);
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(5);
        var caseId = await scenario.EmbargoAsync(disclosureAt, "distros");

        var first = await http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = disclosureAt.AddDays(1), reason = "backport" });
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await db.WaitUntilAsync(async () => (await scenario.EmbargoAsync(caseId)).GetProperty("extensions").GetArrayLength() == 1,
            TimeSpan.FromSeconds(20), "the first extension is recorded");
        Assert.Equal(1, (await scenario.EmbargoAsync(caseId)).GetProperty("policy").GetProperty("caseMaxExtensions").GetInt32());

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
