using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using EmbargoScheduler.Tests.Support;

namespace EmbargoScheduler.Tests.Apis;

/// <summary>A channel taken out of the configuration (the service restarted with new settings) while embargoes use it.</summary>
public sealed class ChannelRemovedTests
{
    [Fact]
    public async Task A_running_embargo_keeps_the_limits_its_channel_had_when_it_started()
    {
        await using var scenario = await StartWithVendorsAsync();
        var caseId = await scenario.EmbargoAsync(DateTimeOffset.UtcNow.AddDays(5), "vendors");

        await scenario.RestartAsync(); // the team drops vendors from the settings

        var extendedTo = DateTimeOffset.UtcNow.AddDays(25); // within the 30 days vendors allowed, far beyond the 0 days it would get now
        var extend = await scenario.Http.PostAsJsonAsync($"cases/{caseId}/embargo/extend", new { disclosureAt = extendedTo, reason = "vendor release train" });
        Assert.True(extend.StatusCode == HttpStatusCode.Accepted, await extend.Content.ReadAsStringAsync());
        await scenario.Db.WaitUntilAsync(async () => (await scenario.EmbargoAsync(caseId)).GetProperty("extensions").GetArrayLength() == 1,
            TimeSpan.FromSeconds(20), "the saga records the extension");
        var embargo = await scenario.EmbargoAsync(caseId);
        Assert.Equal(30, embargo.GetProperty("policy").GetProperty("caseMaxDays").GetInt32());
        Assert.Empty(embargo.GetProperty("refusals").EnumerateArray());
    }

    [Fact]
    public async Task An_embargo_stored_before_limits_were_kept_falls_back_to_its_remaining_channels_and_warns()
    {
        await using var scenario = await StartWithVendorsAsync();
        var mixed = await scenario.EmbargoAsync(DateTimeOffset.UtcNow.AddDays(5), "vendors", "distros");
        var vendorsOnly = await scenario.EmbargoAsync(DateTimeOffset.UtcNow.AddDays(5), "vendors");
        foreach (var caseId in new[] { mixed, vendorsOnly }) // as an older version stored them
            await scenario.Db.ScalarAsync<object>("UPDATE coordination_sagas SET body = body - 'LimitsAtStart' WHERE correlation_id = @Id", new { Id = caseId });

        await scenario.RestartAsync(); // the team drops vendors from the settings

        // distros (14 days) still governs the mixed case.
        var within = await scenario.Http.PostAsJsonAsync($"cases/{mixed}/embargo/extend", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(10), reason = "more time" });
        Assert.True(within.StatusCode == HttpStatusCode.Accepted, await within.Content.ReadAsStringAsync());
        var beyond = await scenario.Http.PostAsJsonAsync($"cases/{mixed}/embargo/extend", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(20), reason = "more time" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, beyond.StatusCode);
        Assert.Contains("14 days", (await beyond.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());

        // Nothing is left to say how long the other may last: refused, saying why (not "longer than 0 days").
        var orphan = await scenario.Http.PostAsJsonAsync($"cases/{vendorsOnly}/embargo/extend", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(6), reason = "more time" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, orphan.StatusCode);
        var problem = await orphan.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("vendors", problem.GetProperty("detail").GetString());
        Assert.Contains("no longer configured", problem.GetProperty("detail").GetString());
        Assert.True(problem.GetProperty("errors").TryGetProperty("channels", out _));

        foreach (var caseId in new[] { mixed, vendorsOnly })
            await scenario.Db.WaitUntilAsync(() => Task.FromResult(scenario.Service.Output.Split('\n')
                    .Any(l => l.Contains(caseId.ToString()) && l.Contains("vendors") && l.Contains("no longer configured"))),
                TimeSpan.FromSeconds(20), $"a warning names case {caseId} and the channel");
    }

    private static Task<EmbargoScenario> StartWithVendorsAsync() =>
        EmbargoScenario.StartAsync("embargo-channels", s => s["Embargo__Channels__vendors"] = "30");
}
