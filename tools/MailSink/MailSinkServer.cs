using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.ComponentModel;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace MailSink;

/// <summary>
/// A real SMTP server that accepts every message and keeps it as an .eml file (the client's EHLO name and the envelope
/// recipients first, as X-MailSink-Helo and X-MailSink-Rcpt headers). <see cref="RecipientPolicy"/> can answer a recipient with a 4xx or 5xx reply
/// instead, to test senders' retries and failures.
/// </summary>
public sealed class MailSinkServer : IAsyncDisposable
{
    private readonly SmtpServer.SmtpServer server;
    private readonly CancellationTokenSource stop = new();
    private Task? running;
    private long counter;
    private long stored;
    private bool deleteDirectoryOnDispose;

    public MailSinkServer(int port, string directory)
    {
        Port = port;
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("coordination-mail-sink")
            .Endpoint(e => e.Endpoint(new IPEndPoint(IPAddress.Loopback, port)).IsSecure(false))
            .MaxMessageSize(50 * 1024 * 1024)
            .Build();
        var services = new ServiceProvider();
        services.Add(new NoDelayEndpointListenerFactory());
        services.Add(new Store(this));
        services.Add(new Filter(this));
        server = new SmtpServer.SmtpServer(options, services);
        server.SessionCreated += (_, e) => e.Context.CommandExecuting += (_, c) =>
        {
            if (c.Command is EhloCommand ehlo) c.Context.Properties[HeloProperty] = ehlo.DomainOrAddress;
            else if (c.Command is HeloCommand helo) c.Context.Properties[HeloProperty] = helo.DomainOrAddress;
        };
    }

    private const string HeloProperty = "helo";

    public int Port { get; }
    public string Directory { get; }

    /// <summary>
    /// A test's sink: in a new folder of its own (under <paramref name="root"/>, else the temp folder) that is deleted
    /// with its messages when the sink is disposed. The MailSink program keeps its folder.
    /// </summary>
    public static MailSinkServer InNewFolder(int port, string prefix, string? root = null)
    {
        var directory = root is null ? System.IO.Directory.CreateTempSubdirectory(prefix).FullName
            : System.IO.Directory.CreateDirectory(Path.Combine(root, prefix + Guid.NewGuid().ToString("N")[..8])).FullName;
        return new MailSinkServer(port, directory) { deleteDirectoryOnDispose = true };
    }

    /// <summary>Returns a reply (e.g. <c>new SmtpReply(451, "try later")</c>) to refuse a recipient, or null to accept.</summary>
    public Func<string, SmtpReply?>? RecipientPolicy { get; set; }

    /// <summary>How long the sink waits, once a message is stored, before it answers the end of its DATA (a slow milter).</summary>
    public TimeSpan ReplyDelayAfterData { get; set; }

    /// <summary>Starts listening; returns once the port accepts connections.</summary>
    public async Task StartAsync()
    {
        running = server.StartAsync(stop.Token);
        for (var i = 0; i < 200; i++)
        {
            if (running.IsFaulted) await running;
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (System.Net.Sockets.SocketException) { await Task.Delay(25); }
        }
        throw new TimeoutException($"mail sink did not start listening on port {Port}");
    }

    /// <summary>How many messages this sink has stored since it started (cheaper to ask than listing the folder).</summary>
    public long StoredCount => Interlocked.Read(ref stored);

    /// <summary>The .eml files received so far, oldest first.</summary>
    public IReadOnlyList<string> Messages() =>
        System.IO.Directory.GetFiles(Directory, "*.eml").Order(StringComparer.Ordinal).ToList();

    /// <summary>Waits until at least <paramref name="count"/> messages arrived; returns them.</summary>
    public async Task<IReadOnlyList<string>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var messages = Messages();
            if (messages.Count >= count || DateTime.UtcNow >= deadline) return messages;
            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        server.Shutdown();
        if (running is not null)
        {
            try { await running; } catch (OperationCanceledException) { }
        }
        stop.Dispose();
        if (deleteDirectoryOnDispose && System.IO.Directory.Exists(Directory)) System.IO.Directory.Delete(Directory, recursive: true);
    }

    private async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref counter);
        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmss'.'fffffff}-{n:D6}-{Guid.NewGuid():N}";
        var temp = Path.Combine(Directory, name + ".tmp");
        await using (var file = File.Create(temp))
        {
            if (context.Properties.TryGetValue(HeloProperty, out var helo))
                await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"X-MailSink-Helo: {helo}\r\n"), ct);
            foreach (var to in transaction.To)
                await file.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"X-MailSink-Rcpt: {to.AsAddress()}\r\n"), ct);
            foreach (var segment in buffer) await file.WriteAsync(segment, ct);
        }
        File.Move(temp, Path.Combine(Directory, name + ".eml"));
        Interlocked.Increment(ref stored);
        if (ReplyDelayAfterData > TimeSpan.Zero) await Task.Delay(ReplyDelayAfterData, ct);
        return SmtpResponse.Ok;
    }

    private sealed class Store(MailSinkServer sink) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken) =>
            sink.SaveAsync(context, transaction, buffer, cancellationToken);
    }

    private sealed class Filter(MailSinkServer sink) : MailboxFilter
    {
        public override Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken)
        {
            if (sink.RecipientPolicy?.Invoke(to.AsAddress()) is { } reply)
                throw new SmtpResponseException(new SmtpResponse((SmtpReplyCode)reply.Code, reply.Text));
            return Task.FromResult(true);
        }
    }
}
