namespace Coordination.Testing;

/// <summary>CPU time of a process, for benchmarks: user + system time from /proc (Linux).</summary>
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
}
