using Coordination.Testing;

namespace EmbargoScheduler.Benchmarks;

/// <summary>
/// CPU time (user + system, from /proc) of the service, PostgreSQL, RabbitMQ and everything else on the machine, so a
/// run shows where the two cores went during the measured second.
/// </summary>
public sealed record CpuSeconds(double Service, double Postgres, double RabbitMq, double Other)
{
    public static CpuSeconds Snapshot(int servicePid)
    {
        double service = 0, postgres = 0, rabbit = 0, other = 0;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid)) continue;
            string stat, cmdline;
            try { stat = File.ReadAllText($"{dir}/stat"); cmdline = File.ReadAllText($"{dir}/cmdline"); }
            catch (IOException) { continue; } // the process ended meanwhile
            catch (UnauthorizedAccessException) { continue; }
            var seconds = ProcessCpu.FromStat(stat);
            if (pid == servicePid) service += seconds;
            else if (cmdline.Contains("postgres")) postgres += seconds;
            else if (cmdline.Contains("beam")) rabbit += seconds;
            else other += seconds;
        }
        return new CpuSeconds(service, postgres, rabbit, other);
    }

    public static CpuSeconds operator -(CpuSeconds a, CpuSeconds b) =>
        new(a.Service - b.Service, a.Postgres - b.Postgres, a.RabbitMq - b.RabbitMq, a.Other - b.Other);

    public override string ToString() =>
        $"service {Service:0.00} s, PostgreSQL {Postgres:0.00} s, RabbitMQ {RabbitMq:0.00} s, other (this program included) {Other:0.00} s";
}
