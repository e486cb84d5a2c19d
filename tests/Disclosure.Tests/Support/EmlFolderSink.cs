using System.Buffers;
using System.Net;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Disclosure.Tests.Support;

/// <summary>
/// A real SMTP server (SmtpServer library) on a free loopback port writing each message as an .eml file into a
/// folder of the test's own. Stand-in until tools/MailSink is on main.
/// </summary>
public sealed class EmlFolderSink : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly SmtpServer.SmtpServer server;
    private readonly Task running;

    public int Port { get; }
    public string Folder { get; }

    public EmlFolderSink()
    {
        Port = Coordination.Testing.ServiceProcess.FreePort();
        Folder = Directory.CreateTempSubdirectory("disclosure-mail-").FullName;
        var options = new SmtpServerOptionsBuilder().ServerName("localhost")
            .Endpoint(b => b.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new FolderStore(Folder));
        server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(stop.Token);
    }

    public IReadOnlyList<string> Messages() =>
        Directory.GetFiles(Folder, "*.eml").Order().Select(File.ReadAllText).ToList();

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        try { await running; } catch (OperationCanceledException) { }
        Directory.Delete(Folder, recursive: true);
    }

    private sealed class FolderStore(string folder) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"{DateTime.UtcNow:yyyyMMddHHmmssfffffff}-{Guid.NewGuid():N}.eml"), buffer.ToArray(), cancellationToken);
            return SmtpResponse.Ok;
        }
    }
}
