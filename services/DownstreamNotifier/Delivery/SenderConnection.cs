using System.Net.Sockets;
using Coordination.Hosting.Mail;
using MailKit;
using MailKit.Net.Smtp;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// One sender worker's SMTP connection, used only synchronously from the worker's thread. Commands are sent without
/// a cancellation token: given one, MailKit polls the socket before every read to look at the token, a system call
/// and a wake-up more per reply. Stopping instead closes the socket under a blocked read (<see cref="Abort"/>), and a
/// server that stops answering is bounded by "Smtp:TimeoutSeconds".
/// </summary>
public sealed class SenderConnection(SmtpOptions options) : IDisposable
{
    private readonly SmtpClient client = new();
    private Socket? socket;
    private volatile bool sending;
    private volatile bool aborted;
    private Timer? stopTimer;

    public bool IsConnected => client.IsConnected;

    /// <returns>the server's reply to the end of the message data.</returns>
    public string Send(MimeKit.MimeMessage message, CancellationToken ct)
    {
        if (!client.IsConnected)
        {
            socket = SmtpConnector.Connect(client, options, ct);
            // Declaring each notice's size (a few kB) would serialize it twice, once only to measure it.
            client.Capabilities &= ~SmtpCapabilities.Size;
        }
        sending = true;
        try { return client.Send(message, CancellationToken.None); }
        finally { sending = false; }
    }

    /// <summary>Lets a send in progress finish within <paramref name="grace"/>, then <see cref="Abort"/>s it.</summary>
    public void AbortAfter(TimeSpan grace)
    {
        if (grace < TimeSpan.Zero) return; // an infinite shutdown time: the send may take as long as it takes
        stopTimer = new Timer(_ => Abort(), null, grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether <see cref="Abort"/> closed the connection under a send.</summary>
    public bool Aborted => aborted;

    /// <summary>
    /// Ends a send in progress on another thread by closing the socket under it; safe to call from any thread. An idle
    /// connection is left alone, so that disposing it still says QUIT.
    /// </summary>
    public void Abort()
    {
        if (!sending) return;
        aborted = true;
        Volatile.Read(ref socket)?.Dispose();
    }

    /// <param name="quit">say QUIT first (a clean end), or just drop the connection (it is broken).</param>
    public void Disconnect(bool quit)
    {
        if (!client.IsConnected) return;
        try { client.Disconnect(quit, CancellationToken.None); }
        catch (Exception e) when (e is IOException or SocketException or SmtpProtocolException or SmtpCommandException
                                       or OperationCanceledException or ObjectDisposedException) { }
    }

    public void Dispose()
    {
        stopTimer?.Dispose();
        client.Timeout = options.TimeoutSeconds * 1000; // not 10 minutes for a QUIT to a server that stopped answering
        Disconnect(true);
        client.Dispose();
    }
}
