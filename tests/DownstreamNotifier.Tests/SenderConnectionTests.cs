using System.Net;
using System.Net.Sockets;
using System.Text;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Delivery;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>A sender's connection sends without a cancellation token; stopping must still end a blocked send.</summary>
public sealed class SenderConnectionTests
{
    [Fact]
    public async Task Abort_ends_a_send_the_server_never_answers()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var mailFromSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TcpClient? accepted = null;
        _ = Task.Run(async () =>
        {
            accepted = await listener.AcceptTcpClientAsync();
            var stream = accepted.GetStream();
            var reader = new StreamReader(stream, Encoding.ASCII);
            async Task Reply(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            await Reply("220 silent.test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase)) await Reply("250 silent.test");
                else if (line.StartsWith("MAIL FROM", StringComparison.OrdinalIgnoreCase)) mailFromSeen.TrySetResult(); // and never answers
            }
        });
        using var connection = new SenderConnection(new SmtpOptions { Host = "127.0.0.1", Port = port, Security = "None", TimeoutSeconds = 600 });
        // Should the test fail, the server's end is closed before the connection is disposed (it would say QUIT and wait).
        using var closeServerEnd = new Disposable(() => { accepted?.Dispose(); listener.Stop(); });
        var message = new MimeMessage { Subject = "s", Body = new TextPart("plain") { Text = "t" } };
        message.From.Add(MailboxAddress.Parse("security@coordination.test"));
        message.To.Add(MailboxAddress.Parse("ada@distro.test"));

        var send = Task.Factory.StartNew(() => connection.Send(message, CancellationToken.None), TaskCreationOptions.LongRunning);
        await mailFromSeen.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(send.IsCompleted);
        connection.Abort();

        var finished = await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(30)));
        Assert.Same(send, finished); // not the 600 s read timeout
        var e = await Assert.ThrowsAnyAsync<Exception>(() => send);
        Assert.True(e is IOException or SocketException or ObjectDisposedException or MailKit.Net.Smtp.SmtpProtocolException, e.GetType().Name);
    }

    private sealed class Disposable(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
