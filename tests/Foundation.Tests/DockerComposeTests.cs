using System.Diagnostics;
using Coordination.Testing;

namespace Foundation.Tests;

public sealed class DockerComposeTests
{
    // What docker-compose.yml requires (${VAR:?}); values for the config check only.
    private static readonly Dictionary<string, string> Required = new()
    {
        ["COORD_SIGNING_KEY"] = "c2lnbmluZy1rZXktZm9yLXRoZS1jb25maWctY2hlY2stb25seQ==",
        ["COORD_LINK_KEY"] = "bGluay1rZXktZm9yLXRoZS1jb25maWctY2hlY2stb25seS4uLg==",
        ["COORD_BROKER_PASSWORD"] = "broker-password-for-the-config-check",
        ["COORD_DATABASE_PASSWORD"] = "database-password-for-the-config-check",
        ["COORD_CNA_ORG_ID"] = "6e3f1b2a-5c4d-4e8f-9a0b-1c2d3e4f5a6b",
        ["COORD_CNA_SHORT_NAME"] = "Example",
        ["COORD_PUBLISHER_NAMESPACE"] = "https://security.example.org",
    };

    [Fact]
    public async Task Docker_compose_accepts_the_file_and_it_names_every_service()
    {
        var (exit, output, errors) = await ComposeConfigAsync(Required);

        Assert.True(exit == 0, errors);
        foreach (var service in new[] { "rabbitmq:", "postgres:", "mail:", "intake:", "embargo-scheduler:", "downstream-notifier:", "disclosure:" })
            Assert.Contains("  " + service, output);
        Assert.Contains("condition: service_healthy", output);
        // The database's password is the deployment's, given to the server and to every service alike.
        Assert.Contains("POSTGRES_PASSWORD: database-password-for-the-config-check", output);
        Assert.Contains("Password=database-password-for-the-config-check;", output);
    }

    [Theory]
    [InlineData("COORD_BROKER_PASSWORD")]
    [InlineData("COORD_DATABASE_PASSWORD")]
    public async Task Docker_compose_refuses_the_file_without_a_password(string setting)
    {
        var (exit, _, errors) = await ComposeConfigAsync(Required.Where(kv => kv.Key != setting).ToDictionary());

        Assert.NotEqual(0, exit);
        Assert.Contains(setting, errors);
    }

    private static async Task<(int Exit, string Output, string Errors)> ComposeConfigAsync(Dictionary<string, string> environment)
    {
        var psi = new ProcessStartInfo("docker-compose") { WorkingDirectory = ServiceProcess.RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true };
        // Not the repository's .env (the README suggests one for the secrets): the test's environment alone counts.
        // (docker-compose 1.x takes no /dev/null there: an empty file of the test's own.)
        var noEnvFile = Path.GetTempFileName();
        foreach (var a in new[] { "--env-file", noEnvFile, "-f", "docker-compose.yml", "config" }) psi.ArgumentList.Add(a);
        foreach (var name in Required.Keys) psi.Environment.Remove(name);
        foreach (var (name, value) in environment) psi.Environment[name] = value;
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("docker-compose not found; ./test.sh installs it");
        var output = p.StandardOutput.ReadToEndAsync();
        var errors = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        File.Delete(noEnvFile);
        return (p.ExitCode, await output, await errors);
    }
}
