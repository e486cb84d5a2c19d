using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DownstreamNotifier.Tests.Support;
using Npgsql;

namespace DownstreamNotifier.Tests;

/// <summary>A database that does not answer is a 503 with Retry-After (shared by every service), not a 500.</summary>
public sealed class DatabaseUnavailableTests
{
    [Fact]
    public async Task A_request_the_database_does_not_answer_in_time_is_a_503_with_retry_after()
    {
        await using var h = await NotifierHarness.StartAsync();
        await h.KillServiceAsync();
        h.Settings["Postgres__ConnectionString"] = h.Isolation.ConnectionString + ";Command Timeout=2";
        await h.StartServiceAsync();
        await h.CreateProjectAsync("Debian python3.12", ["pkg:deb/debian/python3.12"]);

        await using (var locker = new NpgsqlConnection(h.Isolation.ConnectionString))
        {
            await locker.OpenAsync();
            await using var tx = await locker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE notifier.projects IN ACCESS EXCLUSIVE MODE", locker, tx))
                await lockTable.ExecuteNonQueryAsync();

            var stuck = await h.Http.GetAsync("projects");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, stuck.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), stuck.Headers.RetryAfter?.Delta);
            var problem = await stuck.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(503, problem.GetProperty("status").GetInt32());
            Assert.Equal("The database is not answering", problem.GetProperty("title").GetString());
            Assert.DoesNotContain("SELECT", await stuck.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            // The log names the endpoint's route (the exception handler has cleared the endpoint by then).
            for (var i = 0; i < 50 && !h.Service.Output.Contains("database unavailable"); i++) await Task.Delay(100);
            var logged = Assert.Single(h.Service.Output.Split('\n'), l => l.Contains("database unavailable"));
            Assert.Contains("GET /projects/: database unavailable", logged);
        }

        var answered = await h.Http.GetAsync("projects");
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        Assert.Contains("Debian python3.12", await answered.Content.ReadAsStringAsync());
    }
}
