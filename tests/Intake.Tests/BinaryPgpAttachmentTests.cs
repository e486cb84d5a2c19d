using Coordination.Testing;
using Intake.Imap;
using Intake.Reports;
using MimeKit;

namespace Intake.Tests;

/// <summary>A report mailed with its details in a binary OpenPGP file (gpg --encrypt without --armor) is flagged encrypted.</summary>
public sealed class BinaryPgpAttachmentTests
{
    private static MimeMessage WithAttachment(byte[] content, string fileName)
    {
        var body = new BodyBuilder { TextBody = "Details in the attached file." };
        body.Attachments.Add(fileName, content, new ContentType("application", "octet-stream"));
        var message = new MimeMessage { Subject = "report", Body = body.ToMessageBody() };
        message.From.Add(MailboxAddress.Parse("rita@example.org"));
        message.To.Add(MailboxAddress.Parse("security@example.org"));
        return message;
    }

    [Fact]
    public async Task Binary_OpenPGP_messages_made_by_gpg_are_flagged_encrypted()
    {
        using var gpg = new Gpg();
        await gpg.NewRsaKeyAsync("team-rsa@example.org");
        await gpg.NewCurve25519KeyAsync("team-25519@example.org");
        foreach (var (who, bytes) in new[]
                 {
                     ("RSA", await gpg.EncryptBinaryAsync("team-rsa@example.org", "heap overflow in _decimal")),
                     ("Curve25519", await gpg.EncryptBinaryAsync("team-25519@example.org", "heap overflow in _decimal")),
                     ("passphrase", await gpg.EncryptBinaryAsync(null, "heap overflow in _decimal")),
                 })
        {
            Assert.True(ReportValidator.IsBinaryPgpMessage(bytes), who);
            var parsed = EmailReport.From(WithAttachment(bytes, "details.gpg"), [], DateTimeOffset.UtcNow, 100_000);
            Assert.True(parsed.Report.Encrypted, who);
            Assert.Equal(bytes, Assert.Single(parsed.Attachments).Content); // kept as it came
        }
    }

    [Fact]
    public void Other_binary_files_are_not_taken_for_OpenPGP()
    {
        byte[][] others =
        [
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], // PNG
            [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00], // zip
            [0x85, 0x01, 0x0C, 0x09], // old-format tag 1 with an unknown version
            [0xC1, 0x0C], // cut short
            [0x99, 0x01, 0x0D, 0x04], // a public key (tag 6), not a message
            "hello"u8.ToArray(),
            [],
        ];
        Assert.All(others, bytes => Assert.False(ReportValidator.IsBinaryPgpMessage(bytes)));
        var parsed = EmailReport.From(WithAttachment(others[0], "poc.png"), [], DateTimeOffset.UtcNow, 100_000);
        Assert.False(parsed.Report.Encrypted);
    }
}
