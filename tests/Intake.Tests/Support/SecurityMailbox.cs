using System.Net.Sockets;
using System.Text;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Intake.Tests.Support;

/// <summary>
/// A test's own security@ mailbox on the Dovecot ./test.sh runs (any user name, password "secret"). Mail goes in byte
/// for byte (a raw IMAP APPEND), so malformed messages reach intake exactly as a mail server would hand them over.
/// </summary>
public sealed class SecurityMailbox
{
    public string User { get; } = "intake-" + Guid.NewGuid().ToString("N");

    private static int Port => int.Parse(Environment.GetEnvironmentVariable("COORD_IMAP_PORT")
        ?? throw new InvalidOperationException("COORD_IMAP_PORT not set: run through ./test.sh"));

    public Dictionary<string, string> Settings() => new()
    {
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Port"] = Port.ToString(),
        ["Imap__Username"] = User,
        ["Imap__Password"] = "secret",
        ["Imap__Security"] = "None",
        ["Imap__PollSeconds"] = "1",
    };

    public Task Deliver(string eml) => Deliver(Encoding.UTF8.GetBytes(eml));

    public async Task Deliver(byte[] eml)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", Port);
        var stream = tcp.GetStream();
        var reader = new StreamReader(stream, Encoding.Latin1);
        async Task<string> Until(string tag)
        {
            while (true)
            {
                var line = await reader.ReadLineAsync() ?? throw new IOException("IMAP server closed the connection");
                if (line.StartsWith(tag + " ", StringComparison.Ordinal))
                    return line.StartsWith(tag + " OK", StringComparison.Ordinal) ? line : throw new IOException(line);
            }
        }
        async Task Send(byte[] bytes) { await stream.WriteAsync(bytes); await stream.FlushAsync(); }
        await reader.ReadLineAsync(); // greeting
        await Send(Encoding.ASCII.GetBytes($"a LOGIN {User} secret\r\n"));
        await Until("a");
        // literal8 (RFC 3516) when the message holds NUL bytes, which a plain literal may not carry
        var literal = eml.Contains((byte)0) ? $"~{{{eml.Length}+}}" : $"{{{eml.Length}+}}";
        await Send([.. Encoding.ASCII.GetBytes($"b APPEND INBOX {literal}\r\n"), .. eml, .. "\r\n"u8]);
        await Until("b");
        await Send("c LOGOUT\r\n"u8.ToArray());
    }

    public async Task<int> Unseen()
    {
        using var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(User, "secret");
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var unseen = await client.Inbox.SearchAsync(SearchQuery.NotSeen);
        await client.DisconnectAsync(true);
        return unseen.Count;
    }

    public async Task WaitUntilAllSeen(int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (await Unseen() > 0)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the poller did not take every message");
            await Task.Delay(200);
        }
    }
}
