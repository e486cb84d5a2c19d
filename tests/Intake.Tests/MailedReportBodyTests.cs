using System.Text;
using Intake.Imap;
using MimeKit;

namespace Intake.Tests;

/// <summary>
/// The body of a mailed report is the description, and every other part an attachment: once each, and none lost (as
/// mail clients send it: flowed text, a blank plain-text alternative beside the HTML, two PGP/MIME parts).
/// </summary>
public sealed class MailedReportBodyTests
{
    private static EmailReport.Parsed Parse(string mail)
    {
        var raw = Encoding.UTF8.GetBytes(mail.ReplaceLineEndings("\r\n"));
        return EmailReport.From(MimeMessage.Load(new MemoryStream(raw)), raw, DateTimeOffset.UtcNow, 100_000);
    }

    private const string Headers = "From: Rita <rita@example.org>\nTo: security@example.org\nSubject: report\nMessage-Id: <m1@example.org>\nMIME-Version: 1.0\n";

    [Fact]
    public void A_flowed_text_body_is_the_description_and_not_also_an_attachment()
    {
        var parsed = Parse(Headers + "Content-Type: text/plain; charset=utf-8; format=flowed\n\nThe parser reads past the \nend of the buffer.\n");

        Assert.Contains("reads past the end of the buffer", parsed.Report.Description);
        Assert.Empty(parsed.Attachments);
    }

    [Fact]
    public void A_blank_plain_text_alternative_leaves_the_html_as_the_description_beside_an_attachment()
    {
        var parsed = Parse(Headers + """
            Content-Type: multipart/mixed; boundary="mixed"

            --mixed
            Content-Type: multipart/alternative; boundary="alt"

            --alt
            Content-Type: text/plain; charset=utf-8


            --alt
            Content-Type: text/html; charset=utf-8

            <p>Heap overflow in the zip reader</p>
            --alt--
            --mixed
            Content-Type: application/octet-stream; name="poc.bin"
            Content-Disposition: attachment; filename="poc.bin"
            Content-Transfer-Encoding: base64

            AAEC
            --mixed--
            """);

        Assert.Contains("Heap overflow in the zip reader", parsed.Report.Description);
        Assert.Equal("poc.bin", Assert.Single(parsed.Attachments).FileName);
    }

    [Fact]
    public void A_second_pgp_mime_part_is_kept_whole_as_an_attachment()
    {
        static string Encrypted(string boundary, string armor) => $"""
            Content-Type: multipart/encrypted; protocol="application/pgp-encrypted"; boundary="{boundary}"

            --{boundary}
            Content-Type: application/pgp-encrypted

            Version: 1

            --{boundary}
            Content-Type: application/octet-stream

            -----BEGIN PGP MESSAGE-----

            {armor}
            -----END PGP MESSAGE-----

            --{boundary}--
            """;
        var parsed = Parse(Headers + $"""
            Content-Type: multipart/mixed; boundary="mixed"

            --mixed
            {Encrypted("first", "hQEMAFIRST")}
            --mixed
            {Encrypted("second", "hQEMASECOND")}
            --mixed--
            """);

        Assert.True(parsed.Report.Encrypted);
        Assert.Contains("hQEMAFIRST", parsed.Report.Description);
        Assert.Contains("hQEMASECOND", Encoding.UTF8.GetString(Assert.Single(parsed.Attachments).Content));
    }
}
