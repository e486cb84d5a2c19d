using Coordination.Testing;
using MailKit.Net.Smtp;
using MailSink;
using MimeKit;

namespace Foundation.Tests;

public sealed class MailSinkTests
{
    [Fact]
    public async Task Keeps_every_accepted_message_as_an_eml_file_with_its_envelope_recipients()
    {
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "mailsink-");
        await sink.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None);
        for (var i = 0; i < 3; i++)
            await client.SendAsync(Message($"hello {i}", "a@example.org", "b@example.org"));
        await client.DisconnectAsync(true);

        var files = sink.Messages();
        Assert.Equal(3, files.Count);
        var first = await MimeMessage.LoadAsync(files[0]);
        Assert.Equal("hello 0", first.Subject);
        Assert.Equal(["a@example.org", "b@example.org"], first.Headers.Where(h => h.Field == "X-MailSink-Rcpt").Select(h => h.Value.Trim()));
    }

    [Fact]
    public async Task Answers_a_recipient_with_the_reply_its_policy_gives()
    {
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "mailsink-");
        sink.RecipientPolicy = to => to.StartsWith("busy", StringComparison.Ordinal) ? new SmtpReply(451, "try again later")
            : to.StartsWith("gone", StringComparison.Ordinal) ? new SmtpReply(550, "no such user") : null;
        await sink.StartAsync();

        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None);
        var busy = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("x", "busy@example.org")));
        var gone = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(Message("y", "gone@example.org")));
        await client.SendAsync(Message("z", "fine@example.org"));

        Assert.Equal(451, (int)busy.StatusCode);
        Assert.Equal(550, (int)gone.StatusCode);
        Assert.Single(sink.Messages());
    }

    [Fact]
    public async Task A_test_sink_deletes_its_folder_when_disposed_and_the_program_sink_keeps_its()
    {
        var kept = Directory.CreateTempSubdirectory("mailsink-").FullName;
        string deleted;
        await using (var programSink = new MailSinkServer(ServiceProcess.FreePort(), kept))
            await SendOneAsync(programSink);
        await using (var testSink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "mailsink-"))
        {
            deleted = testSink.Directory;
            await SendOneAsync(testSink);
            Assert.Single(testSink.Messages());
        }

        Assert.Single(Directory.GetFiles(kept, "*.eml"));
        Assert.False(Directory.Exists(deleted));
        Directory.Delete(kept, recursive: true);
    }

    private static async Task SendOneAsync(MailSinkServer sink)
    {
        await sink.StartAsync();
        using var client = new SmtpClient();
        await client.ConnectAsync("127.0.0.1", sink.Port, MailKit.Security.SecureSocketOptions.None);
        await client.SendAsync(Message("hello", "a@example.org"));
        await client.DisconnectAsync(true);
    }

    private static MimeMessage Message(string subject, params string[] to)
    {
        var m = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "body" } };
        m.From.Add(MailboxAddress.Parse("sender@example.org"));
        foreach (var t in to) m.To.Add(MailboxAddress.Parse(t));
        return m;
    }
}
