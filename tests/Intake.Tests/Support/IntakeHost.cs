using Coordination.Hosting;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Intake;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Intake.Tests.Support;

/// <summary>
/// The intake service in the test process, wired exactly as Program.cs wires it, on a real Kestrel port, against
/// the test's own database and vhost. In-process so a test can reach the app's EndpointDataSource.
/// </summary>
public sealed class IntakeHost : IAsyncDisposable
{
    public required WebApplication App { get; init; }
    public required Isolation Isolation { get; init; }
    public required Uri BaseAddress { get; init; }

    public static async Task<IntakeHost> StartAsync(Isolation isolation, IDictionary<string, string>? extra = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = "Production",
            ApplicationName = typeof(IntakeExtensions).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var settings = isolation.ServiceSettings();
        if (extra is not null) foreach (var (k, v) in extra) settings[k] = v;
        builder.Configuration.AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":"), (string?)kv.Value)));
        // Port 0: the server takes a free port as it binds. A port found free beforehand could be taken before the bind
        // (a test failed so, "address already in use").
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults(IntakeExtensions.Service, IntakeExtensions.ConfigureBus);
        builder.AddIntake();
        // StartAsync returns once the bus's queues and bindings exist: an event a test publishes before that is lost.
        builder.Services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        configure?.Invoke(builder);
        var app = builder.BuildService();
        app.MapDefaultEndpoints();
        app.MapIntakeApis();

        MigrationRunner.Apply(isolation.ConnectionString, IntakeExtensions.Service.Schema,
            typeof(ServiceDefaultsExtensions).Assembly, typeof(IntakeExtensions).Assembly);
        await app.StartAsync();
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new IntakeHost { App = app, Isolation = isolation, BaseAddress = new Uri(bound.TrimEnd('/') + "/") };
    }

    public HttpClient Client(string? bearerToken = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (bearerToken is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        return http;
    }

    public string Token(string role, Guid? memberId = null) => TestTokens.Issue(Isolation.SigningKey, role, memberId);

    public T Service<T>() where T : notnull => App.Services.GetRequiredService<T>();

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return;
        disposed = true;
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
