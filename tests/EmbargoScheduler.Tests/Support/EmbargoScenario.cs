using System.Net.Http.Json;
using System.Text.Json;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace EmbargoScheduler.Tests.Support;

/// <summary>
/// The service as a process, with stand-ins accepting what it sends the notifier and disclosure, a member's HTTP client,
/// and a bus to publish the other services' messages on.
/// </summary>
public sealed class EmbargoScenario : IAsyncDisposable
{
    private readonly IHost others;

    private EmbargoScenario(Isolation isolation, ServiceProcess service, IHost others)
    {
        Isolation = isolation;
        this.others = others;
        Service = service;
        Db = new EmbargoDatabase(isolation);
        Http = MemberClient(service);
    }

    public Isolation Isolation { get; }
    public Guid Member { get; } = Guid.NewGuid();
    public ServiceProcess Service { get; private set; }
    public HttpClient Http { get; private set; }
    public EmbargoDatabase Db { get; }
    public IBus Bus => others.Services.GetRequiredService<IBus>();

    /// <param name="configure">changes to the service's settings (<see cref="SchedulerService.Settings"/>).</param>
    public static async Task<EmbargoScenario> StartAsync(string prefix, Action<Dictionary<string, string>>? configure = null)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync(prefix);
        var service = await SchedulerService.StartAsync(Configured(isolation, configure));
        var others = await TestBus.StartAsync(isolation, "others-stand-in", x =>
        {
            x.Accept<NotifyDownstream>(Queues.DownstreamNotifier);
            x.Accept<PublishAdvisory>(Queues.Disclosure);
        });
        return new EmbargoScenario(isolation, service, others);
    }

    /// <summary>Starts an embargo for a new case, as intake would, and waits until the saga holds it.</summary>
    public async Task<Guid> EmbargoAsync(DateTimeOffset disclosureAt, params string[] channels)
    {
        var caseId = NewId.NextGuid();
        await Bus.Publish(new StartEmbargo(caseId, disclosureAt, channels, Member, DateTimeOffset.UtcNow));
        await WaitUntilEmbargoedAsync(caseId);
        return caseId;
    }

    public Task WaitUntilEmbargoedAsync(Guid caseId) =>
        Db.WaitUntilAsync(async () => await Db.ScalarAsync<string>("SELECT current_state FROM coordination_sagas WHERE correlation_id = @Id",
            new { Id = caseId }) == "Embargoed", TimeSpan.FromSeconds(20), $"case {caseId} is embargoed");

    /// <summary>GET /cases/{id}/embargo.</summary>
    public Task<JsonElement> EmbargoAsync(Guid caseId) => Http.GetFromJsonAsync<JsonElement>($"cases/{caseId}/embargo");

    /// <summary>Restarts the service with other settings, stopping it cleanly as a team changing its settings does.</summary>
    public async Task RestartAsync(Action<Dictionary<string, string>>? configure = null)
    {
        await Service.StopAsync(TimeSpan.FromSeconds(30));
        Http.Dispose();
        Service = await SchedulerService.StartAsync(Configured(Isolation, configure));
        Http = MemberClient(Service);
    }

    private HttpClient MemberClient(ServiceProcess service) => service.CreateClient(TestTokens.Issue(Isolation.SigningKey, Roles.Member, Member));

    private static Dictionary<string, string> Configured(Isolation isolation, Action<Dictionary<string, string>>? configure)
    {
        var settings = SchedulerService.Settings(isolation);
        configure?.Invoke(settings);
        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        others.Dispose();
        await Service.DisposeAsync();
    }
}
