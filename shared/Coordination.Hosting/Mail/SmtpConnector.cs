using MailKit.Net.Smtp;
using MailKit.Security;

namespace Coordination.Hosting.Mail;

/// <summary>Connects and authenticates a MailKit client as the Smtp settings say.</summary>
public static class SmtpConnector
{
    public static async Task ConnectAsync(SmtpClient client, SmtpOptions options, CancellationToken ct)
    {
        client.Timeout = options.TimeoutSeconds * 1000;
        var security = Enum.Parse<SecureSocketOptions>(options.Security == "StartTlsWhenAvailable" ? "StartTlsWhenAvailable" : options.Security);
        await client.ConnectAsync(options.Host, options.Port, security, ct);
        if (!string.IsNullOrEmpty(options.Username))
            await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
    }
}
