using System.Net.Http.Json;
using Coordination.Contracts.Advisories;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Notices;
using Coordination.Hosting;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Testing;
using MailSink;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace DownstreamNotifier.Tests.Support;

/// <summary>
/// The notifier as users run it (its own process) against the real broker, database and an in-process mail sink,
/// plus a bus of the test's own to send it commands and events, and a member's HTTP client.
/// </summary>
public sealed class NotifierHarness : IAsyncDisposable
{
    private IHost? bus;

    public required Isolation Isolation { get; init; }
    public required MailSinkServer Sink { get; init; }
    public required Dictionary<string, string> Settings { get; init; }
    public ServiceProcess Service { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    /// <param name="sinkRoot">where the sink's folder is made (default: the temp folder).</param>
    public static async Task<NotifierHarness> StartAsync(Func<string, SmtpReply?>? policy = null, Dictionary<string, string>? extra = null, string? sinkRoot = null)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("notifier");
        // Deleted when disposed: the kill test alone leaves 2,000 messages.
        var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "notifier-sink-", sinkRoot);
        sink.RecipientPolicy = policy;
        await sink.StartAsync();
        var settings = isolation.ServiceSettings();
        settings["Smtp__Port"] = sink.Port.ToString();
        settings["Smtp__Security"] = "None";
        settings["Smtp__From"] = "security@coordination.test";
        settings["Notifier__PublicBaseUrl"] = "http://notifier.test";
        settings["Notifier__RetryBaseDelaySeconds"] = "1";
        settings["Notifier__RetryMaxDelaySeconds"] = "2";
        settings["Notifier__PollIntervalMs"] = "200";
        settings["Notifier__ProgressIntervalMs"] = "300";
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        var harness = new NotifierHarness { Isolation = isolation, Sink = sink, Settings = settings };
        try
        {
            await harness.StartServiceAsync();
            harness.bus = await StartBusAsync(isolation);
        }
        catch
        {
            // The caller gets no harness to dispose: without this a service that never became ready kept running.
            await harness.DisposeAsync();
            throw;
        }
        return harness;
    }

    public async Task StartServiceAsync()
    {
        Service = ServiceProcess.Start("DownstreamNotifier", Settings);
        await Service.WaitUntilReadyAsync();
        Http = Service.CreateClient(TestTokens.Issue(Isolation.SigningKey, Roles.Member));
    }

    /// <summary>Kills the service process hard (as a crash would).</summary>
    public ValueTask KillServiceAsync() => Service.DisposeAsync();

    public IBus Bus => bus!.Services.GetRequiredService<IBus>();

    public async Task SendAsync(NotifyDownstream message)
    {
        // "queue:" would declare a classic queue and clash with the service's quorum queue; its exchange is enough.
        var endpoint = await Bus.GetSendEndpoint(new Uri("exchange:" + Queues.DownstreamNotifier));
        await endpoint.Send(message);
    }

    public Task PublishDraftAsync(Guid caseId, params AffectedPackage[] affected) =>
        PublishDraftAsync(caseId, 1, "Heap overflow in the frobnicator", affected);

    /// <summary>Publishes revision <paramref name="revision"/> of the case's draft and waits until the service stored it.</summary>
    public async Task PublishDraftAsync(Guid caseId, int revision, string title, params AffectedPackage[] affected)
    {
        var draft = new AdvisoryDraft(title, "A crafted input overflows a heap buffer.", "Details.",
            affected, null, [], [], null, [], "Upgrade to 3.12.9");
        await Bus.Publish(new AdvisoryDraftUpdated(caseId, revision, draft, Guid.NewGuid(), DateTimeOffset.UtcNow));
        // The draft is read when notices are queued: wait until it is stored.
        await using var conn = new NpgsqlConnection(Isolation.ConnectionString);
        await conn.OpenAsync();
        for (var i = 0; i < 100; i++)
        {
            await using var cmd = new NpgsqlCommand("SELECT count(*) FROM notifier.case_drafts WHERE case_id = $1 AND revision >= $2", conn)
                { Parameters = { new() { Value = caseId }, new() { Value = revision } } };
            if ((long)(await cmd.ExecuteScalarAsync())! > 0) return;
            await Task.Delay(100);
        }
        throw new TimeoutException("draft not stored");
    }

    public static AffectedPackage Affected(string ecosystem, string name, string purl) =>
        new(ecosystem, name, purl, [new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "3.12.9")])]);

    public async Task<Guid> CreateProjectAsync(string name, object[] packages, string[]? channels = null)
    {
        var response = await Http.PostAsJsonAsync("projects", new { name, ecosystem = "PyPI", packages, channels = channels ?? [] });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    public async Task<Guid> CreateContactAsync(Guid projectId, string email, string? publicKey = null, string? timeZone = null)
    {
        var response = await Http.PostAsJsonAsync($"projects/{projectId}/contacts", new { name = email.Split('@')[0], email, role = "security", publicKey, timeZone });
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException(await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<IdOnly>())!.Id;
    }

    /// <summary>Polls GET /cases/{id}/notices until the condition holds.</summary>
    public async Task<CaseNotices> WaitForNoticesAsync(Guid caseId, Func<CaseNotices, bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        CaseNotices? last = null;
        while (DateTime.UtcNow < deadline)
        {
            last = await Http.GetFromJsonAsync<CaseNotices>($"cases/{caseId}/notices");
            if (until(last!)) return last!;
            await Task.Delay(250);
        }
        throw new TimeoutException($"notices never reached the expected state; last counts: {string.Join(", ", last?.Counts ?? [])}\n{Service.Output}");
    }

    private static Task<IHost> StartBusAsync(Isolation isolation) => ServiceBusHost.StartAsync(isolation, "notifier-test-client");

    public async ValueTask DisposeAsync()
    {
        if (bus is not null) { await bus.StopAsync(); bus.Dispose(); }
        if (Service is not null) await Service.DisposeAsync();
        await Sink.DisposeAsync();
        Http?.Dispose();
    }

    private sealed record IdOnly(Guid Id);
}
