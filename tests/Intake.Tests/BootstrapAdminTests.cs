using System.Net;
using Coordination.Testing;
using Intake.Tests.Support;

namespace Intake.Tests;

public sealed class BootstrapAdminTests
{
    [Fact]
    public async Task Bootstrap_creates_the_first_admin_once_and_prints_a_working_token()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        try
        {
            string[] args = ["bootstrap-admin", "--name", "First Admin", "--email", "first@example.org", "--handle", "first"];
            await using (var first = ServiceProcess.Start("Intake", isolation.ServiceSettings(), args))
            {
                Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
                var token = first.Output.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("ct1.", StringComparison.Ordinal));

                // The service as users run it (Program.cs), accepting the printed token.
                await using var service = ServiceProcess.Start("Intake", isolation.ServiceSettings());
                await service.WaitUntilReadyAsync();
                using var admin = service.CreateClient(token);
                var me = await (await admin.GetAsync("me")).Json();
                Assert.Equal("admin", me.GetProperty("role").GetString());
                Assert.Equal("first", me.GetProperty("publicHandle").GetString());
                Assert.Equal(HttpStatusCode.Created, (await admin.Post("members", new { name = "Bea", email = "bea@example.org", publicHandle = "bea", role = "member" })).StatusCode);
                Assert.Equal(HttpStatusCode.Accepted, (await service.CreateClient().Post("reports", Samples.Report())).StatusCode);
            }

            await using var second = ServiceProcess.Start("Intake", isolation.ServiceSettings(),
                "bootstrap-admin", "--name", "Second", "--email", "second@example.org", "--handle", "second");
            Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("an admin already exists", second.Output);
            Assert.DoesNotContain("ct1.", second.Output);
        }
        finally
        {
            await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
        }
    }

    [Fact]
    public async Task Bootstrap_with_missing_arguments_explains_and_changes_nothing()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        await using var run = ServiceProcess.Start("Intake", isolation.ServiceSettings(), "bootstrap-admin", "--name", "X");
        Assert.Equal(2, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("--email", run.Output);
        Assert.Contains("--handle", run.Output);
        await using (var conn = new Npgsql.NpgsqlConnection(isolation.ConnectionString))
        {
            await conn.OpenAsync();
            // Not even the migrations ran: nothing was touched before the arguments were checked.
            Assert.Null(await new Npgsql.NpgsqlCommand("SELECT to_regclass('intake.members')::text", conn).ExecuteScalarAsync() as string);
        }
        await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
    }

    [Fact]
    public async Task Bootstrap_against_an_unreachable_database_says_so_in_one_line()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        var settings = isolation.ServiceSettings();
        settings["Postgres__ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Password=none;Database=none;Timeout=3";
        await using var run = ServiceProcess.Start("Intake", settings,
            "bootstrap-admin", "--name", "First Admin", "--email", "first@example.org", "--handle", "first");
        Assert.Equal(1, await run.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Postgres:ConnectionString: cannot reach the database", run.Output);
        Assert.DoesNotContain("Unhandled exception", run.Output);
        await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
    }
}
