using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Coordination.Testing;
using MailSink;

namespace Coordination.EndToEnd;

/// <summary>
/// The whole system as ./run.sh runs it: the four services as processes of their own on the real broker and
/// database (a virtual host and database of this fixture's own), and a real SMTP server keeping every mail.
/// The embargo policy allows short embargoes so a scenario takes seconds, not days.
/// </summary>
public sealed class CoordinationSystem : IAsyncLifetime
{
    public const string AnnounceTo = "security-announce@lists.example.org";
    /// <summary>The scheduler's one reminder, this long before the instant.</summary>
    public static readonly TimeSpan ReminderOffset = TimeSpan.FromSeconds(4);

    private readonly List<ServiceProcess> services = [];
    private readonly Dictionary<ServiceProcess, (string Project, int Port, Dictionary<string, string> Settings)> started = [];

    public MailSinkServer Mail { get; private set; } = null!;
    public OtlpReceiver Telemetry { get; private set; } = null!;
    public ServiceProcess Intake { get; private set; } = null!;
    public ServiceProcess Scheduler { get; private set; } = null!;
    public ServiceProcess Notifier { get; private set; } = null!;
    public ServiceProcess Disclosure { get; private set; } = null!;
    public string AdminToken { get; private set; } = "";
    public string VirtualHost { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("e2e");
        VirtualHost = isolation.VirtualHost;
        Mail = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "e2e-mail-");
        await Mail.StartAsync();

        Telemetry = new OtlpReceiver(ServiceProcess.FreePort());

        var common = isolation.ServiceSettings();
        // Everything a service logs (down to Debug) and traces goes out over OTLP as an operator would collect it, so
        // tests can look for embargoed text in it; short export intervals so it arrives within a test.
        common["Logging__LogLevel__Default"] = "Debug";
        common["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint;
        common["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        common["OTEL_BSP_SCHEDULE_DELAY"] = "500";
        common["OTEL_BLRP_SCHEDULE_DELAY"] = "500";
        common["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        common["Smtp__Host"] = "127.0.0.1";
        common["Smtp__Port"] = Mail.Port.ToString();
        common["Smtp__Security"] = "None";
        common["Smtp__From"] = "security@coordination.example";

        var notifierPort = ServiceProcess.FreePort();
        var disclosurePort = ServiceProcess.FreePort();
        Intake = Start("Intake", ServiceProcess.FreePort(), common);
        Scheduler = Start("EmbargoScheduler", ServiceProcess.FreePort(), With(common, new()
        {
            ["Embargo__MinimumLeadTime"] = "00:00:03",
            ["Embargo__ReminderOffsets__0"] = ReminderOffset.ToString(),
        }));
        Notifier = Start("DownstreamNotifier", notifierPort, With(common, new()
        {
            ["Notifier__PublicBaseUrl"] = $"http://127.0.0.1:{notifierPort}",
            ["Notifier__LinkKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Notifier__PollIntervalMs"] = "200",
            ["Notifier__ProgressIntervalMs"] = "200",
            ["Notifier__RetryBaseDelaySeconds"] = "1",
        }));
        Disclosure = Start("Disclosure", disclosurePort, With(common, new()
        {
            ["Disclosure__PublicBaseUrl"] = $"http://127.0.0.1:{disclosurePort}",
            ["Disclosure__AnnounceTo"] = AnnounceTo,
            ["Disclosure__IdPrefix"] = "PSF",
        }));
        await Task.WhenAll(services.Select(s => s.WaitUntilReadyAsync(TimeSpan.FromSeconds(120))));
        AdminToken = await BootstrapAdminAsync(common);
    }

    public HttpClient Client(ServiceProcess service, bool asMember = true) => service.CreateClient(asMember ? AdminToken : null);

    public async Task DisposeAsync()
    {
        foreach (var s in services) await s.DisposeAsync();
        await Mail.DisposeAsync();
        await Telemetry.DisposeAsync();
    }

    /// <summary>What a service printed, to explain a failure.</summary>
    public string Logs() => string.Join("\n", services.Select(s => $"===== {s.BaseAddress}\n{s.Output}"));

    private ServiceProcess Start(string project, int port, Dictionary<string, string> settings)
    {
        var process = ServiceProcess.Start(project, port, settings);
        services.Add(process);
        started[process] = (project, port, settings);
        return process;
    }

    /// <summary>Kills a service hard (SIGKILL, as a crash would): nothing of it runs after this returns.</summary>
    public static Task KillAsync(ServiceProcess service) => service.DisposeAsync().AsTask();

    /// <summary>Starts a killed service again as it ran (same port and settings), and waits until it is ready.</summary>
    public async Task<ServiceProcess> RestartAsync(ServiceProcess killed)
    {
        await killed.DisposeAsync();
        var (project, port, settings) = started[killed];
        var process = Start(project, port, settings);
        if (Intake == killed) Intake = process;
        if (Scheduler == killed) Scheduler = process;
        if (Notifier == killed) Notifier = process;
        if (Disclosure == killed) Disclosure = process;
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        return process;
    }

    /// <summary>Another instance of a running service (same settings, a port of its own), ready; stopped with the system.</summary>
    public async Task<ServiceProcess> StartAnotherAsync(ServiceProcess running)
    {
        var (project, _, settings) = started[running];
        var process = Start(project, ServiceProcess.FreePort(), settings);
        await process.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
        return process;
    }

    private static Dictionary<string, string> With(Dictionary<string, string> common, Dictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>(common);
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    // The first admin is made the way an operator makes it: the intake binary's one-time command.
    private static async Task<string> BootstrapAdminAsync(Dictionary<string, string> settings)
    {
        var dll = Path.Combine(ServiceProcess.RepositoryRoot(), "services", "Intake", "bin", "Debug", "net10.0", "Intake.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, "bootstrap-admin", "--name", "Erin Admin", "--email", "erin@psrt.example", "--handle", "erin" })
            psi.ArgumentList.Add(a);
        foreach (var (k, v) in settings) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync();
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"bootstrap-admin failed ({p.ExitCode}): {errors}");
        return output.Trim().Split('\n')[^1].Trim();
    }
}

[CollectionDefinition(nameof(CoordinationSystem))]
public sealed class CoordinationSystemCollection : ICollectionFixture<CoordinationSystem>;
