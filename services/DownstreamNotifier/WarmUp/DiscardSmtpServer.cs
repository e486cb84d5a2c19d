using System.Net;
using System.Net.Sockets;
using System.Text;

namespace DownstreamNotifier.WarmUp;

/// <summary>
/// An SMTP server on a loopback port that the warm-up's messages go to and that throws them away, so that the
/// client's send path is compiled before the first fan-out without any mail leaving the process. It speaks just what
/// MailKit uses (EHLO with PIPELINING and 8BITMIME, MAIL, RCPT, DATA, RSET, NOOP, QUIT), one connection at a time.
/// </summary>
public sealed class DiscardSmtpServer : IDisposable
{
    private const string Capabilities = "250-warm-up\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES\r\n";
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Thread thread;
    private int discarded;

    public DiscardSmtpServer()
    {
        listener.Start();
        thread = new Thread(AcceptAll) { IsBackground = true, Name = "warm-up-smtp" };
        thread.Start();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>How many messages it was given and discarded.</summary>
    public int Discarded => Volatile.Read(ref discarded);

    private void AcceptAll()
    {
        try
        {
            while (true)
            {
                using var client = listener.AcceptTcpClient();
                // Replies to pipelined commands are written one by one; with Nagle's algorithm each second one waited
                // for the client's delayed acknowledgement (40 ms a message).
                client.NoDelay = true;
                try { Converse(client.GetStream()); }
                catch (IOException) { } // the client dropped the connection
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException) { } // stopped
    }

    private void Converse(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.Latin1);
        using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        writer.Write("220 warm-up ESMTP\r\n");
        while (reader.ReadLine() is { } line)
        {
            var verb = (line.Length > 4 ? line[..4] : line).ToUpperInvariant();
            switch (verb)
            {
                case "EHLO": writer.Write(Capabilities); break;
                case "DATA":
                    writer.Write("354 go on\r\n");
                    while (reader.ReadLine() is { } data && data != ".") { }
                    Interlocked.Increment(ref discarded);
                    writer.Write("250 2.0.0 discarded\r\n");
                    break;
                case "QUIT": writer.Write("221 2.0.0 bye\r\n"); return;
                default: writer.Write("250 2.0.0 ok\r\n"); break;
            }
        }
    }

    public void Dispose()
    {
        listener.Stop();
        thread.Join(TimeSpan.FromSeconds(5));
    }
}
