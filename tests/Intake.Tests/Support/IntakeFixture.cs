using Coordination.Testing;

namespace Intake.Tests.Support;

/// <summary>A test's own database and vhost, the observer bus, and the intake service running on them.</summary>
public sealed class IntakeFixture : IAsyncDisposable
{
    public required Isolation Isolation { get; init; }
    public required BusObserver Bus { get; init; }
    public required IntakeHost Host { get; init; }

    public static async Task<IntakeFixture> StartAsync(IDictionary<string, string>? settings = null, Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        var bus = await BusObserver.StartAsync(isolation);
        var all = new Dictionary<string, string> { ["Intake__ReportsPermitLimit"] = "1000" };
        if (settings is not null) foreach (var (k, v) in settings) all[k] = v;
        var host = await IntakeHost.StartAsync(isolation, all, configure);
        return new IntakeFixture { Isolation = isolation, Bus = bus, Host = host };
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Bus.DisposeAsync();
        await TestInfrastructure.DeleteVirtualHostAsync(Isolation.VirtualHost);
    }
}
