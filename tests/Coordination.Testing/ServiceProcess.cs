using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coordination.Testing;

/// <summary>
/// A service run as users run it: its built dll in a process of its own, on a free loopback port.
/// Disposing kills it hard (as a crash would).
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();

    public Uri BaseAddress { get; }
    public string Output { get { lock (output) return output.ToString(); } }
    public bool HasExited => process.HasExited;
    public int ProcessId => process.Id;
    public int ExitCode => process.ExitCode;

    private ServiceProcess(Process process, Uri baseAddress)
    {
        this.process = process;
        BaseAddress = baseAddress;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>Starts services/{project}/bin/{config}/net10.0/{project}.dll with the given settings.</summary>
    public static ServiceProcess Start(string project, IReadOnlyDictionary<string, string> settings, params string[] args) =>
        Start(project, FreePort(), settings, args);

    /// <summary>As <see cref="Start(string, IReadOnlyDictionary{string, string}, string[])"/>, on a port chosen beforehand
    /// (for a service whose settings must name its own URL).</summary>
    public static ServiceProcess Start(string project, int port, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var dll = Path.Combine(RepositoryRoot(), "services", project, "bin", BuildConfiguration, "net10.0", project + ".dll");
        if (!File.Exists(dll)) throw new FileNotFoundException($"{dll} is not built; build the solution first.");
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.ArgumentList.Add(dll);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in settings) psi.Environment[k] = v;
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        return new ServiceProcess(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Waits until /health/ready answers 200; fails with the process output if it exits or times out.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan? timeout = null)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(120)); // generous: CI shares two cores
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"service exited with {process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("health/ready")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"service not ready at {BaseAddress}:\n{Output}");
    }

    /// <summary>Waits for the process to end by itself (e.g. on a configuration error).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        process.WaitForExit(); // flushes the redirected output
        return process.ExitCode;
    }

    public HttpClient CreateClient(string? bearerToken = null)
    {
        var http = new HttpClient { BaseAddress = BaseAddress };
        if (bearerToken is not null) http.DefaultRequestHeaders.Authorization = new("Bearer", bearerToken);
        return http;
    }

    /// <summary>
    /// Stops the service as an operator does (SIGTERM: the host's graceful shutdown, messages being handled are finished
    /// and acknowledged), killing it only if it has not ended within <paramref name="timeout"/>. DisposeAsync is a crash.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", process.Id.ToString()])) await term.WaitForExitAsync();
            using var cts = new CancellationTokenSource(timeout);
            try { await process.WaitForExitAsync(cts.Token); }
            catch (OperationCanceledException) { }
        }
        await DisposeAsync();
    }

    private bool disposed;

    public async ValueTask DisposeAsync()
    {
        if (disposed) return; // a test that killed the service and did not start it again disposes it twice
        disposed = true;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Coordination.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Coordination.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// A loopback port nothing listens on, for a server a test starts. Chosen below the kernel's ephemeral range: a port
    /// from bind(0) is in that range, where every outgoing connection of the run takes its local port too, and one taken
    /// between this call and the server's own bind failed a restarted service with "address already in use". Never the
    /// same port twice in a process (test classes run in parallel).
    /// </summary>
    public static int FreePort()
    {
        var below = EphemeralPortsStart();
        lock (HandedOut)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, below);
                if (!HandedOut.Add(port)) continue;
                try
                {
                    using var listener = new TcpListener(IPAddress.Loopback, port);
                    listener.Start();
                    return port;
                }
                catch (SocketException) { } // in use: another
            }
        }
        throw new InvalidOperationException($"no free loopback port between {LowestPort} and {below}");
    }

    private const int LowestPort = 10_000;
    private static readonly HashSet<int> HandedOut = [];

    // Linux's net.ipv4.ip_local_port_range (32768 by default); elsewhere the IANA dynamic range's start.
    private static int EphemeralPortsStart()
    {
        const string range = "/proc/sys/net/ipv4/ip_local_port_range";
        return File.Exists(range) && int.TryParse(File.ReadAllText(range).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0], out var start)
               && start > LowestPort + 1_000 ? start : 49_152;
    }

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif
}
