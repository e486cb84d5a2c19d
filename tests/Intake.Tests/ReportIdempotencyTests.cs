using System.Net;
using System.Net.Http.Json;
using System.Text;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Intake.Tests;

/// <summary>POST /reports retried with its Idempotency-Key (after a crash, a lost answer) makes no second report.</summary>
public sealed class ReportIdempotencyTests : IAsyncLifetime
{
    private readonly TestClock clock = new();
    private readonly CapturingLoggerProvider logs = new();
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync(configure: b =>
    {
        b.Services.AddSingleton<TimeProvider>(clock);
        b.Logging.SetMinimumLevel(LogLevel.Debug);
        b.Services.AddSingleton<ILoggerProvider>(logs);
    });

    public async Task DisposeAsync() => await f.DisposeAsync();

    private async Task<HttpResponseMessage> Submit(string? key, object? report = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "reports") { Content = JsonContent.Create(report ?? Samples.Report()) };
        if (key is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return await f.Host.Client().SendAsync(request);
    }

    private async Task<long> Reports()
    {
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        return await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports");
    }

    [Fact]
    public async Task The_same_key_and_request_again_answers_as_the_first_time_and_creates_nothing()
    {
        var key = Guid.NewGuid().ToString();
        var first = await Submit(key);
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        var answer = await first.Json();
        // The same fields in another member order and spacing are the same request.
        var reordered = new StringContent(
            """{ "description": "The parser in example-lib crashes on crafted input; PoC attached.", "subject": "Crash in parser", "reporterEmail": "rita@example.org", "reporterName": "Rita Reporter", "components": ["example-lib"], "credit": { "types": ["finder", "REPORTER"], "name": "Rita R.", "wanted": true } }""",
            Encoding.UTF8, "application/json");
        using var retry = new HttpRequestMessage(HttpMethod.Post, "reports") { Content = reordered };
        retry.Headers.TryAddWithoutValidation("Idempotency-Key", $"\"{key}\""); // the draft's structured-field form
        var again = await f.Host.Client().SendAsync(retry);

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var replayed = await again.Json();
        Assert.Equal(answer.GetProperty("id").GetGuid(), replayed.GetProperty("id").GetGuid());
        Assert.Equal(answer.GetProperty("reporterToken").GetString(), replayed.GetProperty("reporterToken").GetString());
        Assert.Equal(first.Headers.Location, again.Headers.Location);
        Assert.Equal(1, await Reports());

        var token = replayed.GetProperty("reporterToken").GetString()!;
        using var status = new HttpRequestMessage(HttpMethod.Get, $"reports/{replayed.GetProperty("id").GetGuid()}") { Headers = { { "X-Reporter-Token", token } } };
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Client().SendAsync(status)).StatusCode);
        Assert.Contains(logs.Lines, l => l.Contains("answered as the first request")); // the logs were captured
        var leaks = logs.Lines.Where(l => l.Contains(key) || l.Contains(token) || l.Contains("crafted input")).ToList();
        Assert.True(leaks.Count == 0, "key, token or report text in logs:\n" + string.Join("\n", leaks));
    }

    [Fact]
    public async Task The_same_key_with_another_request_is_a_422_naming_the_header_and_creates_nothing()
    {
        var key = Guid.NewGuid().ToString();
        Assert.Equal(HttpStatusCode.Accepted, (await Submit(key)).StatusCode);
        var other = await Submit(key, Samples.Report("Another crash entirely."));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("application/problem+json", other.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["Idempotency-Key"], await other.ErrorFields());
        Assert.False((await other.Json()).TryGetProperty("reporterToken", out _));
        Assert.Equal(1, await Reports());
    }

    [Fact]
    public async Task Concurrent_requests_with_the_same_key_make_one_report()
    {
        var key = Guid.NewGuid().ToString();
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Submit(key)));
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        var answers = await Task.WhenAll(responses.Where(r => r.StatusCode == HttpStatusCode.Accepted).Select(r => r.Json()));
        Assert.NotEmpty(answers);
        Assert.Single(answers.Select(a => (a.GetProperty("id").GetGuid(), a.GetProperty("reporterToken").GetString())).Distinct());
        Assert.Equal(1, await Reports());
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\tinside")]
    [InlineData("\"unterminated \\\" escape\\\"")]
    [InlineData("\"\"")]
    [InlineData("\"no end")]
    public async Task A_malformed_key_is_a_400_naming_the_header_and_creates_nothing(string key)
    {
        var response = await Submit(key);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Idempotency-Key"], await response.ErrorFields());
        Assert.Equal(0, await Reports());
    }

    [Fact]
    public async Task A_key_over_255_characters_or_given_twice_is_a_400_and_one_of_255_is_taken()
    {
        Assert.Equal(["Idempotency-Key"], await (await Submit(new string('k', 256))).ErrorFields());
        using var twice = new HttpRequestMessage(HttpMethod.Post, "reports") { Content = JsonContent.Create(Samples.Report()) };
        twice.Headers.TryAddWithoutValidation("Idempotency-Key", ["one", "two"]);
        var response = await f.Host.Client().SendAsync(twice);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["Idempotency-Key"], await response.ErrorFields());
        Assert.Equal(0, await Reports());
        Assert.Equal(HttpStatusCode.Accepted, (await Submit(new string('k', 255))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Submit("\"one, quoted\"")).StatusCode);
    }

    [Fact]
    public async Task Neither_the_key_nor_the_reporter_token_is_stored_in_plain_text()
    {
        var key = "key-" + Guid.NewGuid();
        var token = (await (await Submit(key)).Json()).GetProperty("reporterToken").GetString()!;
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var row = await conn.QuerySingleAsync<(byte[] KeyHash, byte[] SealedToken)>("SELECT key_hash, sealed_token FROM intake.report_idempotency_keys");
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(Encoding.ASCII.GetBytes(key)), row.KeyHash);
        Assert.DoesNotContain(token, Encoding.Latin1.GetString(row.SealedToken));
        var dump = await conn.ExecuteScalarAsync<string>("SELECT string_agg(t::text, ' ') FROM intake.report_idempotency_keys t");
        Assert.DoesNotContain(key, dump);
        Assert.DoesNotContain(token, dump);
        Assert.DoesNotContain(Convert.ToHexString(Encoding.ASCII.GetBytes(token)), dump!.ToUpperInvariant());
    }

    [Fact]
    public async Task A_key_older_than_a_day_is_forgotten_and_makes_a_new_report()
    {
        var key = Guid.NewGuid().ToString();
        var start = DateTimeOffset.UtcNow;
        clock.Now = start;
        var first = (await (await Submit(key)).Json()).GetProperty("id").GetGuid();
        clock.Now = start.AddHours(23);
        Assert.Equal(first, (await (await Submit(key)).Json()).GetProperty("id").GetGuid());
        clock.Now = start.AddHours(24);
        var later = await Submit(key, Samples.Report("A new report, a day later, same key."));
        Assert.Equal(HttpStatusCode.Accepted, later.StatusCode);
        var second = (await later.Json()).GetProperty("id").GetGuid();
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await (await Submit(key, Samples.Report("A new report, a day later, same key."))).Json()).GetProperty("id").GetGuid());
        Assert.Equal(2, await Reports());
    }

    [Fact]
    public async Task Without_a_key_every_request_is_a_report_of_its_own()
    {
        Assert.Equal(HttpStatusCode.Accepted, (await Submit(null)).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await Submit(null)).StatusCode);
        Assert.Equal(2, await Reports());
    }
}
