using MailSink;

// Usage: MailSink [--port 35025] [--dir .local/mail]
var port = 35025;
var dir = Path.Combine(".local", "mail");
for (var i = 0; i + 1 < args.Length; i += 2)
{
    switch (args[i])
    {
        case "--port" when int.TryParse(args[i + 1], out var p) && p is > 0 and < 65536: port = p; break;
        case "--dir": dir = args[i + 1]; break;
        default:
            Console.Error.WriteLine($"mail-sink: unknown or invalid argument {args[i]} {args[i + 1]} (use --port N --dir PATH)");
            return 2;
    }
}

await using var sink = new MailSinkServer(port, dir);
await sink.StartAsync();
Console.WriteLine($"mail-sink: SMTP on 127.0.0.1:{port}, keeping every message in {sink.Directory}");
var done = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.TrySetResult(); };
AppDomain.CurrentDomain.ProcessExit += (_, _) => done.TrySetResult();
await done.Task;
return 0;
