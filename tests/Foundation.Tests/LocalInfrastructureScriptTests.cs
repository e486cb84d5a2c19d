using System.Diagnostics;
using System.Net.Sockets;
using Coordination.Testing;

namespace Foundation.Tests;

/// <summary>The deploy/local scripts, run on ports and a folder of the test's own (not the servers the other tests use).</summary>
public sealed class LocalInfrastructureScriptTests
{
    [Fact]
    public async Task Up_twice_is_harmless_and_down_leaves_nothing_of_theirs_running()
    {
        var root = ServiceProcess.RepositoryRoot();
        var local = Directory.CreateTempSubdirectory("coord-local-").FullName;
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(local, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var ports = Enumerable.Range(0, 7).Select(_ => ServiceProcess.FreePort()).ToArray();
        var env = new Dictionary<string, string>
        {
            ["COORD_LOCAL"] = local,
            ["COORD_POSTGRES_PORT"] = ports[0].ToString(),
            ["COORD_RABBITMQ_PORT"] = ports[1].ToString(),
            ["COORD_RABBITMQ_DIST_PORT"] = ports[2].ToString(),
            ["COORD_RABBITMQ_MANAGEMENT_PORT"] = ports[3].ToString(),
            ["COORD_RABBITMQ_EPMD_PORT"] = ports[4].ToString(),
            ["COORD_RABBITMQ_NODE"] = $"coordtest{ports[1]}@localhost",
            ["COORD_IMAP_PORT"] = ports[5].ToString(),
        };
        var listening = new[] { ports[0], ports[1], ports[3], ports[5] };
        try
        {
            var (code, output) = await RunAsync(Path.Combine(root, "deploy/local/up.sh"), env);
            Assert.True(code == 0, output);
            Assert.Contains($"export COORD_POSTGRES_PORT={ports[0]}", output);
            Assert.All(listening, p => Assert.True(Accepts(p), $"port {p} not listening after up"));

            (code, output) = await RunAsync(Path.Combine(root, "deploy/local/up.sh"), env);
            Assert.True(code == 0, output);
            Assert.Contains("PostgreSQL already running", output);
            Assert.Contains("RabbitMQ already running", output);
            Assert.Contains("Dovecot already running", output);
        }
        finally
        {
            var (code, output) = await RunAsync(Path.Combine(root, "deploy/local/down.sh"), env);
            Assert.True(code == 0, output);
        }

        await Task.Delay(500);
        Assert.All(listening.Append(ports[4]), p => Assert.False(Accepts(p), $"port {p} still open after down"));
        var (_, ps) = await RunAsync("/bin/sh", new(), "-c", "ps -eo args");
        Assert.DoesNotContain(local, ps);
        // The servers the rest of the suite uses are untouched.
        var shared = await TestInfrastructure.GetAsync();
        Assert.True(Accepts(shared.PostgresPort) && Accepts(shared.RabbitPort));
    }

    [Fact]
    public async Task A_broker_port_that_accepts_connections_but_does_not_serve_is_not_reused()
    {
        var root = ServiceProcess.RepositoryRoot();
        var local = Directory.CreateTempSubdirectory("coord-local-").FullName;
        // Accept connections and never answer, as the wedged node did (its management API took 60 s per vhost).
        using var amqp = new TcpListener(System.Net.IPAddress.Loopback, 0);
        using var management = new TcpListener(System.Net.IPAddress.Loopback, 0);
        amqp.Start();
        management.Start();
        var held = new List<TcpClient>();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try { while (true) held.Add(await management.AcceptTcpClientAsync(stop.Token)); }
            catch (OperationCanceledException) { }
        });
        var env = new Dictionary<string, string>
        {
            ["COORD_LOCAL"] = local,
            ["COORD_RABBITMQ_PORT"] = ((System.Net.IPEndPoint)amqp.LocalEndpoint).Port.ToString(),
            ["COORD_RABBITMQ_MANAGEMENT_PORT"] = ((System.Net.IPEndPoint)management.LocalEndpoint).Port.ToString(),
            ["COORD_RABBITMQ_HEALTH_SECONDS"] = "2",
        };

        var (code, output) = await RunAsync(Path.Combine(root, "deploy/local/rabbitmq.sh"), env, "up");

        await stop.CancelAsync();
        await accepting;
        held.ForEach(c => c.Dispose());
        Assert.True(code != 0, output);
        Assert.Contains("did not create a vhost within 2s", output);
        Assert.Contains("not this checkout's node", output);
        Assert.DoesNotContain("already running", output);
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException) { return false; }
    }

    private static async Task<(int, string)> RunAsync(string file, Dictionary<string, string> env, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
