// Disclosure punctuality: N cases (default 1,000) whose disclosure falls in the same second. Prints the lateness of
// PublishAdvisory at the disclosure service's queue (arrival minus the disclosure instant): p50, p99, max, plus
// duplicates and misses, against the goal p99 < 1 s. Needs the broker and database (eval "$(deploy/local/up.sh)")
// and a Debug build of services/EmbargoScheduler.
using System.Collections.Concurrent;
using Coordination.Contracts.Embargo;
using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Coordination.Testing;
using Dapper;
using EmbargoScheduler.Benchmarks;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

var cases = args.Length > 0 ? int.Parse(args[0]) : 1000;
var goal = TimeSpan.FromSeconds(1);

var isolation = await TestInfrastructure.CreateIsolationAsync("bench");
var settings = isolation.ServiceSettings();
settings["Embargo__MinimumLeadTime"] = "00:00:02";
settings["Logging__LogLevel__Default"] = "Warning";
await using var service = ServiceProcess.Start("EmbargoScheduler", settings);
await service.WaitUntilReadyAsync();

var arrivals = new ConcurrentQueue<(Guid CaseId, DateTimeOffset ReceivedAt)>();
var schema = "bench_disclosure";
MigrationRunner.Apply(isolation.ConnectionString, schema, typeof(ServiceInfo).Assembly);
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":"), (string?)kv.Value)));
builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
builder.Services.AddSingleton(new NpgsqlDataSourceBuilder(
    new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = schema }.ConnectionString).Build());
builder.Services.AddSingleton(arrivals);
builder.Services.AddCoordinationBus(new ServiceInfo("bench-disclosure", schema),
    x => x.AddConsumer<DisclosureRecorder>().Endpoint(e => e.Name = Queues.Disclosure), null);
using var host = builder.Build();
await host.StartAsync();
var bus = host.Services.GetRequiredService<IBus>();

// All cases disclose at the same whole second, far enough ahead for every StartEmbargo to be processed first.
var now = DateTimeOffset.UtcNow;
var disclosureAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(25);
var caseIds = Enumerable.Range(0, cases).Select(_ => NewId.NextGuid()).ToList();
await Task.WhenAll(caseIds.Select(id => bus.Publish(new StartEmbargo(id, disclosureAt, ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow))));

await using var db = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "embargo" }.ConnectionString).Build();
long embargoed = 0;
while (DateTimeOffset.UtcNow < disclosureAt && (embargoed = await Count("SELECT count(*) FROM scheduled_messages WHERE state = 'pending'")) < cases)
    await Task.Delay(200);
Console.WriteLine($"{embargoed} of {cases} disclosures scheduled {(disclosureAt - DateTimeOffset.UtcNow).TotalSeconds:0.0} s before the instant {disclosureAt:O}");

var deadline = disclosureAt.AddSeconds(30);
while (arrivals.Count < cases && DateTimeOffset.UtcNow < deadline) await Task.Delay(50);
await Task.Delay(TimeSpan.FromSeconds(3)); // duplicates would arrive now

var all = arrivals.ToArray();
var firstPerCase = all.GroupBy(a => a.CaseId).ToDictionary(g => g.Key, g => g.Min(a => a.ReceivedAt));
var duplicates = all.Length - firstPerCase.Count;
var misses = caseIds.Count(id => !firstPerCase.ContainsKey(id));
var lateness = firstPerCase.Values.Select(t => (t - disclosureAt).TotalMilliseconds).Order().ToArray();
double Percentile(double p) => lateness.Length == 0 ? double.NaN : lateness[Math.Min(lateness.Length - 1, (int)Math.Ceiling(p * lateness.Length) - 1)];

Console.WriteLine($"cases {cases}, delivered {firstPerCase.Count}, duplicates {duplicates}, misses {misses}");
Console.WriteLine($"lateness (PublishAdvisory arrival - disclosure instant): min {lateness.FirstOrDefault():0} ms, p50 {Percentile(0.50):0} ms, p99 {Percentile(0.99):0} ms, max {lateness.LastOrDefault():0} ms");
var clock = (await ClockLateness()).Order().ToArray();
Console.WriteLine($"clock alone (DisclosureDue forwarded, sent_at - due_at, per batch): p50 {clock.ElementAtOrDefault(clock.Length / 2):0} ms, max {clock.LastOrDefault():0} ms");
var met = misses == 0 && duplicates == 0 && Percentile(0.99) < goal.TotalMilliseconds;
Console.WriteLine($"goal: p99 < {goal.TotalMilliseconds:0} ms, none missed, none twice -> {(met ? "MET" : "NOT MET")}");

await host.StopAsync();
await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
return met ? 0 : 1;

async Task<IEnumerable<double>> ClockLateness()
{
    await using var conn = await db.OpenConnectionAsync();
    return await conn.QueryAsync<double>(
        "SELECT extract(epoch FROM sent_at - due_at)::float8 * 1000 FROM scheduled_messages WHERE state = 'sent' AND message_types LIKE '%DisclosureDue%'");
}

async Task<long> Count(string sql)
{
    await using var conn = await db.OpenConnectionAsync();
    return await conn.ExecuteScalarAsync<long>(sql);
}
