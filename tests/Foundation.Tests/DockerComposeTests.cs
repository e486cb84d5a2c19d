using System.Diagnostics;
using Coordination.Testing;

namespace Foundation.Tests;

public sealed class DockerComposeTests
{
    [Fact]
    public async Task Docker_compose_accepts_the_file_and_it_names_every_service()
    {
        var root = ServiceProcess.RepositoryRoot();
        var psi = new ProcessStartInfo("docker-compose") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-f", "docker-compose.yml", "config" }) psi.ArgumentList.Add(a);
        psi.Environment["COORD_SIGNING_KEY"] = "c2lnbmluZy1rZXktZm9yLXRoZS1jb25maWctY2hlY2stb25seQ==";
        psi.Environment["COORD_LINK_KEY"] = "bGluay1rZXktZm9yLXRoZS1jb25maWctY2hlY2stb25seS4uLg==";
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("docker-compose not found; ./test.sh installs it");
        var output = await p.StandardOutput.ReadToEndAsync();
        var errors = await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();

        Assert.True(p.ExitCode == 0, errors);
        foreach (var service in new[] { "rabbitmq:", "postgres:", "mail:", "intake:", "embargo-scheduler:", "downstream-notifier:", "disclosure:" })
            Assert.Contains("  " + service, output);
        Assert.Contains("condition: service_healthy", output);
    }
}
