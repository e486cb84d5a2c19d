using System.Text;
using Intake.Imap;
using MimeKit;

namespace Intake.Tests;

/// <summary>A mailed report longer than a description may be (Intake:MaxDescriptionChars, as over HTTP) loses nothing.</summary>
public sealed class LongMailedReportTests
{
    private static MimeMessage Mail(string text)
    {
        var message = new MimeMessage { Subject = "crash log", Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse("rita@example.org"));
        message.To.Add(MailboxAddress.Parse("security@example.org"));
        return message;
    }

    [Fact]
    public void A_text_over_the_limit_is_cut_in_the_description_and_kept_whole_as_an_attachment()
    {
        var text = string.Concat(Enumerable.Range(0, 25_000).Select(i => $"line {i,6}\n")); // 300,000 characters
        var parsed = EmailReport.From(Mail(text), [], DateTimeOffset.UtcNow, 100_000);

        var description = parsed.Report.Description;
        Assert.InRange(description.Length, 99_000, 100_000);
        Assert.StartsWith(text[..90_000], description);
        Assert.Contains(EmailReport.WholeTextFileName, description[^200..]);
        var whole = Assert.Single(parsed.Attachments);
        Assert.Equal(EmailReport.WholeTextFileName, whole.FileName);
        Assert.Equal(text, Encoding.UTF8.GetString(whole.Content).ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_text_within_the_limit_is_the_description_alone()
    {
        var text = new string('x', 1_000);
        var parsed = EmailReport.From(Mail(text), [], DateTimeOffset.UtcNow, 1_000);
        Assert.Equal(text, parsed.Report.Description.TrimEnd());
        Assert.Empty(parsed.Attachments);
    }
}
