using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Npgsql;
using DotNet.Testcontainers.Configurations;
using Testcontainers.PostgreSql;
using Testcontainers.RabbitMq;

namespace Coordination.Testing;

/// <summary>
/// The real RabbitMQ and PostgreSQL for tests: the ones ./test.sh started (it exports COORD_RABBITMQ_* and
/// COORD_POSTGRES_*), else containers when a Docker engine is reachable, else a failure saying to run ./test.sh.
/// Every test asks for its own virtual host and database, so tests never see each other's messages or rows.
/// </summary>
public static class TestInfrastructure
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> CreatedVirtualHosts = [];
    private static readonly System.Collections.Concurrent.ConcurrentBag<string> CreatedDatabases = [];
    private static Endpoints? endpoints;

    // Every vhost and database a test run made goes when the test process ends: each vhost holds some of the broker's
    // file handles, and a broker left with hundreds of them runs out and stops answering.
    static TestInfrastructure() => AppDomain.CurrentDomain.ProcessExit += (_, _) => RemoveCreated();

    public sealed record Endpoints(
        string RabbitHost, int RabbitPort, int RabbitManagementPort, string RabbitUser, string RabbitPassword,
        string PostgresHost, int PostgresPort, string PostgresUser, string? PostgresPassword);

    public static async Task<Endpoints> GetAsync()
    {
        if (endpoints is not null) return endpoints;
        await Gate.WaitAsync();
        try
        {
            return endpoints ??= FromEnvironment() ?? await FromContainersAsync();
        }
        finally { Gate.Release(); }
    }

    /// <summary>A fresh virtual host on the broker, with full permissions for the test user.</summary>
    public static async Task<string> CreateVirtualHostAsync(string prefix = "test")
    {
        var e = await GetAsync();
        var vhost = $"{prefix}-{Guid.NewGuid():N}";
        using var http = Management(e);
        var enc = Uri.EscapeDataString(vhost);
        (await http.PutAsync($"api/vhosts/{enc}", null)).EnsureSuccessStatusCode();
        CreatedVirtualHosts.Add(vhost);
        (await http.PutAsJsonAsync($"api/permissions/{enc}/{Uri.EscapeDataString(e.RabbitUser)}",
            new { configure = ".*", write = ".*", read = ".*" })).EnsureSuccessStatusCode();
        return vhost;
    }

    public static async Task DeleteVirtualHostAsync(string vhost)
    {
        var e = await GetAsync();
        using var http = Management(e);
        await http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}");
    }

    /// <summary>Whether the queue exists on the virtual host (MassTransit declares its _error and _skipped queues only
    /// when it first moves a message there).</summary>
    public static async Task<bool> QueueExistsAsync(string vhost, string queue)
    {
        var e = await GetAsync();
        using var http = Management(e);
        var response = await http.GetAsync($"api/queues/{Uri.EscapeDataString(vhost)}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>
    /// A broker outage for one virtual host, as its clients see one: no new connection is let in (a connection limit of
    /// 0) and every open one is closed. Disposing it lifts the limit; the clients reconnect on their own.
    /// </summary>
    public static async Task<IAsyncDisposable> BreakVirtualHostAsync(string vhost)
    {
        var e = await GetAsync();
        using var http = Management(e);
        var enc = Uri.EscapeDataString(vhost);
        (await http.PutAsJsonAsync($"api/vhost-limits/{enc}/max-connections", new { value = 0 })).EnsureSuccessStatusCode();
        var connections = await http.GetFromJsonAsync<List<ConnectionName>>($"api/vhosts/{enc}/connections") ?? [];
        foreach (var c in connections)
        {
            using var close = new HttpRequestMessage(HttpMethod.Delete, $"api/connections/{Uri.EscapeDataString(c.Name)}");
            close.Headers.Add("X-Reason", "test: broker outage");
            await http.SendAsync(close); // one closed meanwhile is a 404
        }
        return new VirtualHostOutage(e, enc, connections.Count);
    }

    private sealed record ConnectionName(string Name);

    private sealed class VirtualHostOutage(Endpoints e, string encodedVhost, int closed) : IAsyncDisposable
    {
        public override string ToString() => $"{closed} connection(s) closed";

        public async ValueTask DisposeAsync()
        {
            using var http = Management(e);
            (await http.DeleteAsync($"api/vhost-limits/{encodedVhost}/max-connections")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>How many connections the virtual host has now.</summary>
    public static async Task<int> ConnectionCountAsync(string vhost)
    {
        var e = await GetAsync();
        using var http = Management(e);
        return (await http.GetFromJsonAsync<List<ConnectionName>>($"api/vhosts/{Uri.EscapeDataString(vhost)}/connections") ?? []).Count;
    }

    /// <summary>A fresh, empty database; returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var e = await GetAsync();
        var name = $"{prefix}_{Guid.NewGuid():N}".ToLowerInvariant();
        await using (var conn = new NpgsqlConnection(ConnectionString(e, "postgres")))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        CreatedDatabases.Add(name);
        return ConnectionString(e, name);
    }

    /// <summary>A virtual host and a database of the test's own.</summary>
    public static async Task<Isolation> CreateIsolationAsync(string prefix = "test") =>
        new(await CreateVirtualHostAsync(prefix), await CreateDatabaseAsync(prefix), await GetAsync());

    private static void RemoveCreated()
    {
        if (endpoints is not { } e) return;
        try
        {
            using var http = Management(e);
            http.Timeout = TimeSpan.FromSeconds(20);
            foreach (var vhost in CreatedVirtualHosts)
                http.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}").GetAwaiter().GetResult();
            NpgsqlConnection.ClearAllPools();
            using var conn = new NpgsqlConnection(ConnectionString(e, "postgres"));
            conn.Open();
            foreach (var db in CreatedDatabases)
            {
                using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)", conn);
                cmd.ExecuteNonQuery();
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or NpgsqlException)
        {
            Console.Error.WriteLine($"test cleanup: {ex.GetType().Name}: {ex.Message}");
        }
    }

    public static string ConnectionString(Endpoints e, string database)
    {
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = e.PostgresHost, Port = e.PostgresPort, Username = e.PostgresUser, Database = database,
            Pooling = true, MaxPoolSize = 40,
        };
        if (e.PostgresPassword is not null) b.Password = e.PostgresPassword;
        return b.ConnectionString;
    }

    private static HttpClient Management(Endpoints e)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://{e.RabbitHost}:{e.RabbitManagementPort}/") };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{e.RabbitUser}:{e.RabbitPassword}")));
        return http;
    }

    private static Endpoints? FromEnvironment()
    {
        string? Get(string name) => Environment.GetEnvironmentVariable(name);
        if (Get("COORD_RABBITMQ_PORT") is not { } rabbitPort || Get("COORD_POSTGRES_PORT") is not { } pgPort) return null;
        return new Endpoints(
            Get("COORD_RABBITMQ_HOST") ?? "127.0.0.1", int.Parse(rabbitPort), int.Parse(Get("COORD_RABBITMQ_MANAGEMENT_PORT") ?? "15672"),
            Get("COORD_RABBITMQ_USER") ?? "guest", Get("COORD_RABBITMQ_PASSWORD") ?? "guest",
            Get("COORD_POSTGRES_HOST") ?? "127.0.0.1", int.Parse(pgPort), Get("COORD_POSTGRES_USER") ?? "postgres",
            Get("COORD_POSTGRES_PASSWORD"));
    }

    private static async Task<Endpoints> FromContainersAsync()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is null)
            throw new InvalidOperationException(
                "No RabbitMQ/PostgreSQL for the tests: run them through ./test.sh (it starts both and exports COORD_RABBITMQ_* " +
                "and COORD_POSTGRES_*), or make a Docker engine reachable for Testcontainers.");
        var rabbit = new RabbitMqBuilder("rabbitmq:3.13-management").WithUsername("guest").WithPassword("guest")
            .WithPortBinding(15672, true).Build();
        var pg = new PostgreSqlBuilder("postgres:15").Build();
        await Task.WhenAll(rabbit.StartAsync(), pg.StartAsync());
        var pgcs = new NpgsqlConnectionStringBuilder(pg.GetConnectionString());
        return new Endpoints(rabbit.Hostname, rabbit.GetMappedPublicPort(5672), rabbit.GetMappedPublicPort(15672), "guest", "guest",
            pgcs.Host!, pgcs.Port, pgcs.Username!, pgcs.Password);
    }
}
