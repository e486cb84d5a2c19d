using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Coordination.Hosting.Mail;

/// <summary>Connects and authenticates a MailKit client as the Smtp settings say.</summary>
public static class SmtpConnector
{
    public static async Task ConnectAsync(SmtpClient client, SmtpOptions options, CancellationToken ct)
    {
        client.Timeout = options.TimeoutSeconds * 1000;
        client.LocalDomain = options.EffectiveHeloName;
        await client.ConnectAsync(options.Host, options.Port, Security(options), ct);
        if (!string.IsNullOrEmpty(options.Username))
            await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
    }

    /// <summary>
    /// For a client used only synchronously, on a thread of its own: the socket is connected with a blocking call, so
    /// the kernel keeps it in blocking mode and a read wakes the waiting thread directly. (Once .NET has used a socket
    /// asynchronously, as MailKit's own connect does, every later synchronous read on it is emulated: the runtime's
    /// epoll thread hands the wake-up to a thread-pool thread, which wakes the reader.) The connect itself is bounded
    /// by the send timeout, which Linux applies to connect.
    /// </summary>
    /// <returns>the connected socket (the client owns it; closing it ends a blocked read).</returns>
    public static Socket Connect(SmtpClient client, SmtpOptions options, CancellationToken ct)
    {
        client.Timeout = options.TimeoutSeconds * 1000;
        client.LocalDomain = options.EffectiveHeloName;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, SendTimeout = client.Timeout };
        try
        {
            socket.Connect(options.Host, options.Port);
            client.Connect(socket, options.Host, options.Port, Security(options), ct);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        if (!string.IsNullOrEmpty(options.Username))
            client.Authenticate(options.Username, options.Password ?? "", ct);
        // Connected: from here a read may be the wait for the reply to a message's end, which RFC 5321 (4.5.3.2.6) asks
        // clients to wait 10 minutes for. A server that stores the message and answers late (a slow milter or virus
        // scan) would otherwise be sent it again after every timeout, each copy delivered.
        client.Timeout = Math.Max(client.Timeout, (int)FinalReplyTimeout.TotalMilliseconds);
        return socket;
    }

    public static readonly TimeSpan FinalReplyTimeout = TimeSpan.FromMinutes(10);

    private static SecureSocketOptions Security(SmtpOptions options) => Enum.Parse<SecureSocketOptions>(options.Security);
}
