using System.Diagnostics;
using Coordination.Testing;
using MailKit.Net.Smtp;
using MimeKit;

/// <summary>
/// The raw limit's client: MailKit sending prebuilt plain messages over a number of connections, nothing else. Run in
/// the benchmark's own process (beside the sink) or in a process of its own, as the notifier is: in-process, the
/// client's and the sink's continuations share one thread pool, so a reply can be handled without the switch between
/// processes that every reply to the notifier costs.
/// </summary>
internal static class RawClient
{
    public const string ChildArgument = "raw-client";

    public static MimeMessage[] Prebuilt(int count)
    {
        // 20 lines of 75 characters: sent as they are (7bit), as a notice's text is. One line of 1,500 characters, as
        // before, was longer than SMTP allows and went quoted-printable, encoded again for every send.
        var body = string.Concat(Enumerable.Repeat(new string('x', 75) + "\n", 20));
        return Enumerable.Range(0, count).Select(i =>
        {
            var m = new MimeMessage { Subject = $"[COORD-bench] raw {i}", Body = new TextPart("plain") { Text = body } };
            m.From.Add(MailboxAddress.Parse("security@coordination.test"));
            m.To.Add(MailboxAddress.Parse($"r{i}@raw.bench.test"));
            return m;
        }).ToArray();
    }

    /// <summary>How the client waits for the server: async continuations, or blocking threads (as the notifier's workers).</summary>
    public enum Mode { Async, Threads }

    public static Task SendAsync(int port, MimeMessage[] messages, int connections, Mode mode = Mode.Async) =>
        mode == Mode.Async ? SendWithContinuationsAsync(port, messages, connections) : SendOnThreadsAsync(port, messages, connections);

    // Both leave out SIZE, as the notifier does: declaring a message's size makes MailKit serialize it twice.
    private static async Task SendWithContinuationsAsync(int port, MimeMessage[] messages, int connections)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async _ =>
        {
            using var client = new SmtpClient();
            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
            client.Capabilities &= ~SmtpCapabilities.Size;
            int i;
            while ((i = Interlocked.Increment(ref next)) < messages.Length) await client.SendAsync(messages[i]);
            await client.DisconnectAsync(true);
        }));
    }

    private static Task SendOnThreadsAsync(int port, MimeMessage[] messages, int connections)
    {
        var next = -1;
        return Task.WhenAll(Enumerable.Range(0, connections).Select(_ =>
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            new Thread(() =>
            {
                try
                {
                    using var client = new SmtpClient();
                    client.Connect("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
                    client.Capabilities &= ~SmtpCapabilities.Size;
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < messages.Length) client.Send(messages[i]);
                    client.Disconnect(true);
                    done.SetResult();
                }
                catch (Exception e) { done.SetException(e); }
            }) { IsBackground = true }.Start();
            return done.Task;
        }));
    }

    /// <summary>
    /// The child's side, <c>raw-client PORT COUNT CONNECTIONS MODE</c>: builds the messages, says "ready", sends them when told
    /// "go", says "done SECONDS", and exits when told (so that its CPU time can be read while it still exists).
    /// </summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var (port, count, connections, mode) = (int.Parse(args[1]), int.Parse(args[2]), int.Parse(args[3]), Enum.Parse<Mode>(args[4]));
        var messages = Prebuilt(count);
        // Untimed, as the notifier's warm-up and the in-process client's: the client's code compiled, then recompiled by
        // the tiered JIT (in the background, a while after the first calls), before the timed run.
        var warmUp = Prebuilt(2_000);
        for (var round = 0; round < 2; round++)
        {
            await SendAsync(port, warmUp, connections, mode);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }
        Console.WriteLine("ready");
        if (Console.ReadLine() != "go") return 2;
        var watch = Stopwatch.StartNew();
        await SendAsync(port, messages, connections, mode);
        Console.WriteLine($"done {watch.Elapsed.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
        Console.ReadLine();
        return 0;
    }

    /// <summary>
    /// Runs the client in a process of its own: the seconds its sending took, the CPU seconds and thread switches it used
    /// meanwhile, and the CPU seconds this process (the sink's) used meanwhile.
    /// </summary>
    public static async Task<(double Elapsed, double ClientCpu, long ClientSwitches, double SinkCpu)> InChildProcessAsync(int port, int count, int connections, Mode mode)
    {
        var self = typeof(RawClient).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(host) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(self);
        foreach (var a in new[] { ChildArgument, port.ToString(), count.ToString(), connections.ToString(), mode.ToString() }) start.ArgumentList.Add(a);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("raw client process did not start");
        try
        {
            await Expect(child, "ready");
            var (clientBefore, sinkBefore) = (ProcessCpu.Seconds(child.Id), ProcessCpu.Seconds(Environment.ProcessId));
            var switchesBefore = ProcessCpu.ContextSwitches(child.Id);
            await child.StandardInput.WriteLineAsync("go");
            await child.StandardInput.FlushAsync();
            var done = await Expect(child, "done ");
            var (clientCpu, sinkCpu) = (ProcessCpu.Seconds(child.Id) - clientBefore, ProcessCpu.Seconds(Environment.ProcessId) - sinkBefore);
            var switches = ProcessCpu.ContextSwitches(child.Id) - switchesBefore;
            await child.StandardInput.WriteLineAsync("exit");
            await child.StandardInput.FlushAsync();
            await child.WaitForExitAsync();
            return (double.Parse(done["done ".Length..], System.Globalization.CultureInfo.InvariantCulture), clientCpu, switches, sinkCpu);
        }
        finally
        {
            if (!child.HasExited) child.Kill();
        }
    }

    private static async Task<string> Expect(Process child, string prefix)
    {
        var line = await child.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(5));
        return line is not null && line.StartsWith(prefix, StringComparison.Ordinal)
            ? line : throw new InvalidOperationException($"raw client process: expected \"{prefix.Trim()}\", got \"{line}\"");
    }
}
