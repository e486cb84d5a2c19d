using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Coordination.Testing;

namespace Coordination.EndToEnd;

/// <summary>
/// Embargoed text never reaches a log line or a telemetry export: a whole coordination with every service logging down
/// to Debug and exporting logs, traces and metrics over OTLP, including a refused draft and opened notice links.
/// </summary>
[Collection(nameof(CoordinationSystem))]
public sealed class ConfidentialityTests(CoordinationSystem system) : IDisposable
{
    private readonly Gpg gpg = new();

    [Fact]
    public async Task No_log_line_span_or_metric_of_any_service_carries_embargoed_text()
    {
        var s = new Scenario(system, gpg);
        await s.ReportAndDraftAsync();
        await s.RegisterDownstreamAsync();
        await s.RecipientsAsync();
        using (var member = system.Client(system.Intake))
        {
            // A draft refused for a bad field carries the embargoed text too.
            var refused = await member.PutAsJsonAsync($"cases/{s.CaseId}/draft", new JsonObject
            {
                ["revision"] = 1,
                ["draft"] = new JsonObject { ["title"] = s.Title, ["details"] = $"details {s.Secret}", ["cwes"] = new JsonArray($"CWE-{s.Secret}") },
            });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        await s.StartEmbargoAsync(DateTimeOffset.UtcNow.AddSeconds(15));
        await s.ReviseDetailsAsync($"Revised under embargo: {s.Secret} lets CR and LF through.");
        var selected = s.Contacts.Count(c => c.Selected);
        var embargoed = await s.WaitForNoticesAsync("Embargoed", selected, TimeSpan.FromSeconds(20));
        Assert.Equal(selected, embargoed.Count);
        using (var anonymous = system.Client(system.Notifier, asMember: false))
            foreach (var notice in embargoed)
                Assert.True((await anonymous.GetAsync(await s.LinkInAsync(notice))).IsSuccessStatusCode); // the page shows the details
        Assert.NotEmpty(await s.WaitForPublicAdvisoryAsync(TimeSpan.FromSeconds(60)));
        await s.WaitForNoticesAsync("Now public", selected, TimeSpan.FromSeconds(30));

        // The exports are there and a text that is logged is found in them: the case id ("Case {CaseId}: ...").
        var caseId = s.CaseId.ToString();
        for (var i = 0; i < 40 && system.Telemetry.PathsContaining(caseId).Count < 2; i++) await Task.Delay(250);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the last batches of every service
        Assert.Contains("/v1/logs", system.Telemetry.PathsContaining(caseId));
        Assert.True(system.Telemetry.Count("/v1/traces") > 0, "no trace was exported");
        Assert.True(system.Telemetry.Count("/v1/metrics") > 0, "no metric was exported");

        Assert.Empty(system.Telemetry.PathsContaining(s.Secret));
        foreach (var service in new[] { system.Intake, system.Scheduler, system.Notifier, system.Disclosure })
            Assert.False(service.Output.Contains(s.Secret, StringComparison.Ordinal), $"{service.BaseAddress} logged embargoed text:\n{Around(service.Output, s.Secret)}");
    }

    private static string Around(string text, string word)
    {
        var at = text.IndexOf(word, StringComparison.Ordinal);
        return text[Math.Max(0, at - 600)..Math.Min(text.Length, at + 200)];
    }

    public void Dispose() => gpg.Dispose();
}
