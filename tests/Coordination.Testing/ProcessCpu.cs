namespace Coordination.Testing;

/// <summary>CPU time of a process, and of the whole machine, for benchmarks: from /proc (Linux).</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    /// <exception cref="IOException">the process has ended.</exception>
    public static double Seconds(int pid) => FromStat(File.ReadAllText($"/proc/{pid}/stat"));

    /// <summary>From the text of a /proc/&lt;pid&gt;/stat file (fields 14 and 15, utime and stime).</summary>
    public static double FromStat(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11]) + long.Parse(fields[12])) / TicksPerSecond;
    }

    /// <summary>
    /// CPU seconds the machine spent busy (all but idle and iowait) and stolen by the hypervisor, summed over its cores
    /// (the first line of /proc/stat).
    /// </summary>
    public static (double Busy, double Stolen) Machine()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..].Select(long.Parse).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already counted in user)
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6];
        return (busy / TicksPerSecond, fields[7] / TicksPerSecond);
    }

    /// <summary>
    /// Thread switches of a process so far (voluntary and involuntary, summed over its threads; those of threads that
    /// have ended are not counted). Unlike CPU time, a count the speed of a shared machine does not change.
    /// </summary>
    public static long ContextSwitches(int pid)
    {
        long total = 0;
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        total += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return total;
    }

    /// <summary>
    /// CPU seconds and thread switches so far of a process's threads, summed by thread name with its digits as '#'
    /// ("notice-sender-#", ".NET TP Worker"; Linux keeps 15 characters of a name). Threads that have ended are not counted.
    /// </summary>
    public static Dictionary<string, (double Seconds, long Switches)> Threads(int pid)
    {
        var threads = new Dictionary<string, (double Seconds, long Switches)>();
        foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var name = new string(stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')].Select(c => char.IsDigit(c) ? '#' : c).ToArray());
                long switches = 0;
                foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    if (line.Contains("ctxt_switches:", StringComparison.Ordinal)) switches += long.Parse(line[(line.IndexOf(':') + 1)..].Trim());
                var (seconds, count) = threads.GetValueOrDefault(name);
                threads[name] = (seconds + FromStat(stat), count + switches);
            }
            catch (IOException) { } // the thread ended meanwhile
        }
        return threads;
    }
}
