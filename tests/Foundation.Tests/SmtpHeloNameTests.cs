using Coordination.Hosting.Mail;
using Coordination.Testing;
using MailKit.Net.Smtp;
using MailSink;
using MimeKit;

namespace Foundation.Tests;

/// <summary>The name a service gives in EHLO is its sender's domain (or Smtp:HeloName), never the machine's host name.</summary>
public sealed class SmtpHeloNameTests
{
    [Theory]
    [InlineData(null, "psrt.example")]
    [InlineData("mx1.psrt.example", "mx1.psrt.example")]
    public async Task Both_ways_of_connecting_greet_with_the_sender_domain_or_the_set_name(string? heloName, string expected)
    {
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "helo-");
        await sink.StartAsync();
        var options = new SmtpOptions { Host = "127.0.0.1", Port = sink.Port, Security = "None", From = "security@psrt.example", HeloName = heloName };

        using (var client = new SmtpClient())
        {
            await SmtpConnector.ConnectAsync(client, options, CancellationToken.None);
            await client.SendAsync(Message("async"));
            await client.DisconnectAsync(true);
        }
        using (var client = new SmtpClient())
        {
            SmtpConnector.Connect(client, options, CancellationToken.None);
            client.Send(Message("blocking"));
            client.Disconnect(true);
        }

        var files = await sink.WaitForMessagesAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var message = await MimeMessage.LoadAsync(file);
            Assert.Equal(expected, message.Headers["X-MailSink-Helo"]?.Trim());
        }
        Assert.NotEqual(System.Net.Dns.GetHostName(), expected);
    }

    private static MimeMessage Message(string subject)
    {
        var message = new MimeMessage { Subject = subject, Body = new TextPart("plain") { Text = "x" } };
        message.From.Add(MailboxAddress.Parse("security@psrt.example"));
        message.To.Add(MailboxAddress.Parse("list@example.org"));
        return message;
    }
}

public sealed class SmtpFromTests
{
    [Theory]
    [InlineData("security@psrt.example", true)]
    [InlineData("Security Team <security@psrt.example>", false)]
    [InlineData("<security@psrt.example>", false)]
    [InlineData("security@psrt.example>", false)]
    [InlineData("security", false)]
    [InlineData("sec urity@psrt.example", false)]
    public void The_sender_is_a_bare_address(string from, bool valid)
    {
        var options = new SmtpOptions { Host = "127.0.0.1", From = from };
        var errors = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        var ok = System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), errors, validateAllProperties: true);

        Assert.Equal(valid, ok);
        if (!valid) Assert.Contains(errors, e => e.MemberNames.Contains(nameof(SmtpOptions.From)) && e.ErrorMessage!.Contains("bare address"));
    }
}
