// Disclosure punctuality: N cases (default 1,000) whose disclosure falls in the same second. Prints the lateness of
// each PublishAdvisory (consumed at the disclosure service's queue minus the instant: p50, p99, max) against the goal,
// duplicates and misses, when the clock committed its batches, and the CPU each process used in that second. Needs the broker and database (eval "$(deploy/local/up.sh)"); the service is run
// from the same build configuration as this program (dotnet build -c Release tests/EmbargoScheduler.Benchmarks).
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

// Arguments: [cases] [--warmup N] [--clock-tap] [KEY=VALUE ...] (extra settings for the service, e.g. RabbitMq__PrefetchCount=200).
// --clock-tap also times the clock alone, from a copy of every DisclosureDue; the copy costs broker and CPU time in the
// very second measured, so it is off by default (the clock's commit times below come from its table instead).
var warmupAt = Array.IndexOf(args, "--warmup");
var tapClock = args.Contains("--clock-tap");
var warmup = warmupAt >= 0 ? int.Parse(args[warmupAt + 1]) : 0;
var cases = args.Where((a, i) => i != warmupAt + 1 || warmupAt < 0).FirstOrDefault(a => int.TryParse(a, out _)) is { } n ? int.Parse(n) : 1000;
var goal = TimeSpan.FromSeconds(1);
Console.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()} ({Environment.ProcessorCount} cores)");

var isolation = await TestInfrastructure.CreateIsolationAsync("bench");
var settings = isolation.ServiceSettings();
settings["Embargo__MinimumLeadTime"] = "00:00:02";
settings["Logging__LogLevel__Default"] = "Warning";
foreach (var (key, value) in args.Where(a => a.Contains('=')).Select(a => (a[..a.IndexOf('=')], a[(a.IndexOf('=') + 1)..])))
    settings[key] = value;
await using var service = ServiceProcess.Start("EmbargoScheduler", settings);
await service.WaitUntilReadyAsync();

var arrivals = new ConcurrentQueue<(Guid CaseId, DateTimeOffset ReceivedAt)>();
var forwarded = new ConcurrentQueue<(Guid CaseId, DateTimeOffset DueAt, DateTimeOffset ReceivedAt)>();
var schema = "bench_disclosure";
MigrationRunner.Apply(isolation.ConnectionString, schema, typeof(ServiceInfo).Assembly);
var builder = Host.CreateApplicationBuilder();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Configuration.AddInMemoryCollection(settings.Select(kv => KeyValuePair.Create(kv.Key.Replace("__", ":"), (string?)kv.Value)));
builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
builder.Services.AddSingleton(new NpgsqlDataSourceBuilder(
    new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = schema }.ConnectionString).Build());
builder.Services.AddSingleton(arrivals);
// Recording must not be the bottleneck: the settings MACHINE-NOTES measured fastest on this machine.
builder.Services.AddCoordinationBus(new ServiceInfo("bench-disclosure", schema),
    x =>
    {
        x.AddConsumer<DisclosureRecorder>().Endpoint(e => { e.Name = Queues.Disclosure; e.PrefetchCount = 200; e.ConcurrentMessageLimit = 32; });
        x.AddConsumer<NotifierStandIn>().Endpoint(e => e.Name = Queues.DownstreamNotifier);
    },
    (_, cfg) =>
    {
        if (!tapClock) return;
        cfg.ReceiveEndpoint("bench-clock-tap", e =>
        {
            e.ConfigureConsumeTopology = false;
            e.Bind(Queues.EmbargoScheduler);
            e.PrefetchCount = 200;
            e.ConcurrentMessageLimit = 32;
            e.Consumer(() => new ClockTap(forwarded));
        });
    });
using var host = builder.Build();
await host.StartAsync();
var bus = host.Services.GetRequiredService<IBus>();

// All cases disclose at the same whole second, far enough ahead for every StartEmbargo to be processed first. With
// --warmup, that many other cases disclose 10 s earlier (a service that has disclosed before; not counted).
var now = DateTimeOffset.UtcNow;
var disclosureAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(warmup > 0 ? 35 : 25);
var caseIds = Enumerable.Range(0, cases).Select(_ => NewId.NextGuid()).ToList();
var warmupIds = Enumerable.Range(0, warmup).Select(_ => NewId.NextGuid()).ToList();
await Task.WhenAll(warmupIds.Select(id => bus.Publish(new StartEmbargo(id, disclosureAt.AddSeconds(-10), ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow)))
    .Concat(caseIds.Select(id => bus.Publish(new StartEmbargo(id, disclosureAt, ["default"], Guid.NewGuid(), DateTimeOffset.UtcNow)))));
var measured = caseIds.ToHashSet();

await using var db = new NpgsqlDataSourceBuilder(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "embargo" }.ConnectionString).Build();
long embargoed = 0;
while (DateTimeOffset.UtcNow < disclosureAt && (embargoed = await Count("SELECT count(*) FROM scheduled_messages WHERE message_types LIKE '%DisclosureDue%'")) < cases + warmup)
    await Task.Delay(200);
Console.WriteLine($"{embargoed} of {cases} (+{warmup} warm-up) disclosures scheduled {(disclosureAt - DateTimeOffset.UtcNow).TotalSeconds:0.0} s before the instant {disclosureAt:O}");

while (DateTimeOffset.UtcNow < disclosureAt.AddMilliseconds(-200)) await Task.Delay(20);
var cpuBefore = CpuSeconds.Snapshot(service.ProcessId);
var deadline = disclosureAt.AddSeconds(30);
while (arrivals.Count(a => measured.Contains(a.CaseId)) < cases && DateTimeOffset.UtcNow < deadline) await Task.Delay(50);
var cpu = CpuSeconds.Snapshot(service.ProcessId) - cpuBefore;
var burst = DateTimeOffset.UtcNow - disclosureAt.AddMilliseconds(-200);
await Task.Delay(TimeSpan.FromSeconds(3)); // duplicates would arrive now

var all = arrivals.Where(a => measured.Contains(a.CaseId)).ToArray();
var firstPerCase = all.GroupBy(a => a.CaseId).ToDictionary(g => g.Key, g => g.Min(a => a.ReceivedAt));
var duplicates = all.Length - firstPerCase.Count;
var misses = caseIds.Count(id => !firstPerCase.ContainsKey(id));
var lateness = firstPerCase.Values.Select(t => (t - disclosureAt).TotalMilliseconds).Order().ToArray();
var clock = forwarded.Where(f => measured.Contains(f.CaseId)).GroupBy(f => f.CaseId).Select(g => g.Min(f => (f.ReceivedAt - f.DueAt).TotalMilliseconds)).Order().ToArray();
var committed = (await ClockCommitted()).Order().ToArray();

Console.WriteLine($"cases {cases}, delivered {firstPerCase.Count}, duplicates {duplicates}, misses {misses}; {(tapClock ? $"DisclosureDue forwarded {clock.Length}" : "clock not tapped")}");
if (tapClock)
    Console.WriteLine($"the saga's own DisclosureDue (copy consumed - instant; it only records the instant and is forwarded after " +
                      $"the publication commands): {Summary(clock)}");
Console.WriteLine($"clock batches of PublishAdvisory committed as sent (sent_at - due_at, after every send in the batch is confirmed): {Summary(committed)}");
Console.WriteLine($"end to end (PublishAdvisory consumed - instant): {Summary(lateness)}; goal p99 < {goal.TotalMilliseconds:0} ms");
var met = misses == 0 && duplicates == 0 && Percentile(lateness, 0.99) < goal.TotalMilliseconds;
Console.WriteLine($"end-to-end goal: p99 < {goal.TotalMilliseconds:0} ms, none missed, none twice -> {(met ? "MET" : "NOT MET")}");
Console.WriteLine($"CPU from 200 ms before the instant to the last arrival ({burst.TotalSeconds:0.00} s, {Environment.ProcessorCount} cores): {cpu}");
var serviceWarnings = service.Output.Split('\n').Where(l => (l.StartsWith("warn:") || l.StartsWith("fail:")) && !l.Contains("HealthChecks")).ToList(); // health polled before the bus is up
Console.WriteLine($"service warnings/errors: {serviceWarnings.Count}{string.Concat(serviceWarnings.Distinct().Take(3).Select(l => "\n  " + l))}");
Console.WriteLine($"load average at end: {File.ReadAllText("/proc/loadavg").Trim()}");

await host.StopAsync();
await TestInfrastructure.DeleteVirtualHostAsync(isolation.VirtualHost);
return met ? 0 : 1;

static double Percentile(double[] sorted, double p) =>
    sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

static string Summary(double[] sorted) =>
    $"min {sorted.FirstOrDefault():0} ms, p50 {Percentile(sorted, 0.50):0} ms, p99 {Percentile(sorted, 0.99):0} ms, max {sorted.LastOrDefault():0} ms";

async Task<IEnumerable<double>> ClockCommitted()
{
    await using var conn = await db.OpenConnectionAsync();
    return await conn.QueryAsync<double>(
        "SELECT extract(epoch FROM sent_at - due_at)::float8 * 1000 FROM scheduled_messages WHERE state = 'sent' AND message_types LIKE '%PublishAdvisory%' AND due_at = @disclosureAt", new { disclosureAt });
}

async Task<long> Count(string sql)
{
    await using var conn = await db.OpenConnectionAsync();
    return await conn.ExecuteScalarAsync<long>(sql);
}
