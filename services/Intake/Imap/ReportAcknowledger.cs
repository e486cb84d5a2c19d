using Coordination.Hosting.Mail;
using Intake.Reports;
using MailKit.Net.Smtp;
using MimeKit;
using MimeKit.Utils;

namespace Intake.Imap;

/// <summary>
/// Answers a report that came by mail with its id and reporter token, so the reporter can follow it as one who used
/// the form can (GET /reports/{id} with X-Reporter-Token). The reply carries nothing of the report (not even its
/// subject): it crosses the same unencrypted hops the report did. Automatic mail (RFC 3834: auto-replies, bounces, list
/// mail) gets no reply, nor does mail from the team's own Smtp:From address, and nothing is sent while no Smtp:Host is
/// configured.
/// </summary>
public sealed class ReportAcknowledger(SmtpOptions? smtp, IntakeOptions intake)
{
    public bool Enabled => smtp is not null;

    public bool Wanted(MimeMessage received, string reporterEmail)
    {
        if (!MailboxAddress.TryParse(reporterEmail, out _)) return false;
        // Our own address (spoofed, or a member writing to the team): the reply would land in the mailbox it answers.
        if (smtp is not null && reporterEmail.Equals(smtp.From, StringComparison.OrdinalIgnoreCase)) return false;
        // RFC 3834: never answer automatic mail, bounces (null Return-Path, delivery reports) or list mail
        var auto = received.Headers[HeaderId.AutoSubmitted];
        if (auto is not null && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase)) return false;
        if (received.Headers[HeaderId.ReturnPath]?.Trim() == "<>") return false;
        if (received.Headers[HeaderId.Precedence]?.Trim().ToLowerInvariant() is "bulk" or "junk" or "list") return false;
        if (received.Headers.Contains(HeaderId.ListId) || received.Headers.Contains("X-Autoreply") || received.Headers.Contains("X-Autorespond")) return false;
        if (received.Body?.ContentType.IsMimeType("multipart", "report") == true) return false;
        return received.From.Mailboxes.All(m => !m.LocalPart.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
                                                && !m.LocalPart.Equals("postmaster", StringComparison.OrdinalIgnoreCase));
    }

    public MimeMessage Compose(MimeMessage received, Report report, string reporterToken)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress(smtp!.FromName, smtp.From));
        message.To.Add(MailboxAddress.Parse(report.ReporterEmail));
        message.Subject = $"Your report {report.Id} was received";
        message.MessageId = MimeUtils.GenerateMessageId(smtp.From.Split('@')[^1]); // MimeKit's default names this host
        if (!string.IsNullOrEmpty(received.MessageId))
        {
            message.InReplyTo = received.MessageId;
            message.References.Add(received.MessageId);
        }
        message.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        var status = intake.PublicBaseUrl is { Length: > 0 } url ? $"{url.TrimEnd('/')}/reports/{report.Id}" : $"/reports/{report.Id} on our intake service";
        message.Body = new TextPart("plain")
        {
            Text = $"""
                Thank you for your report. It was received and will be triaged by the security response team.

                Report: {report.Id}
                Reporter token: {reporterToken}

                To see its status, request {status}
                with the header "{ReporterToken.Header}: <the token above>". Keep the token private; it is the only
                way to read the report's status, and we cannot show it to you again.

                Please reply to this message, keeping the report id, if you have more to add.
                """,
        };
        return message;
    }

    public async Task SendAsync(MimeMessage acknowledgement, CancellationToken ct)
    {
        using var client = new SmtpClient();
        await SmtpConnector.ConnectAsync(client, smtp!, ct);
        await client.SendAsync(acknowledgement, ct);
        await client.DisconnectAsync(true, ct);
    }
}
