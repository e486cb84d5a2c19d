using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Disclosure.Tests.Support;

/// <summary>
/// A bare SMTP server that accepts every message (250 after DATA) and, while <see cref="StallQuit"/> is set, never
/// answers QUIT: the moment after a message was accepted and before the sender has closed its session, held open.
/// With <see cref="AcceptanceGate"/> it holds the moment before the "250" instead.
/// </summary>
public sealed class QuitStallingSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;
    private int accepted;

    public QuitStallingSmtpServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>How many messages were accepted (answered 250 after DATA).</summary>
    public int Accepted => Volatile.Read(ref accepted);

    public volatile bool StallQuit = true;

    /// <summary>While set, the "250" after a message waits for it to complete (a server slow to accept).</summary>
    public Task? AcceptanceGate { get; set; }

    /// <summary>Completes when a message's data has been received, before the server answers it.</summary>
    public TaskCompletionSource DataReceived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a sender sent QUIT after a message and was left waiting.</summary>
    public TaskCompletionSource QuitStalled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = SessionAsync(client);
        }
    }

    private async Task SessionAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 stalling-sink ESMTP");
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                var command = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (command)
                {
                    case "DATA":
                        await writer.WriteLineAsync("354 go ahead");
                        while (await reader.ReadLineAsync(stop.Token) is { } data && data != ".") { }
                        DataReceived.TrySetResult();
                        if (AcceptanceGate is { } gate) await gate.WaitAsync(stop.Token);
                        Interlocked.Increment(ref accepted);
                        await writer.WriteLineAsync("250 queued");
                        break;
                    case "QUIT" when StallQuit:
                        QuitStalled.TrySetResult();
                        await Task.Delay(Timeout.Infinite, stop.Token);
                        return;
                    case "QUIT":
                        await writer.WriteLineAsync("221 bye");
                        return;
                    default:
                        await writer.WriteLineAsync("250 ok");
                        break;
                }
            }
        }
        catch (Exception) { } // the sender went away, or the server stops
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}
