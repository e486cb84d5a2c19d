using System.Text;
using Coordination.Hosting.Auth;
using Coordination.Testing;
using Dapper;
using Intake.Tests.Support;
using MailSink;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;
using Npgsql;

namespace Intake.Tests;

/// <summary>Mail as reporters and their mail servers really send it, through the real Dovecot into intake.</summary>
public sealed class MessyMailTests
{
    private const string Armored = "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1a2b3c4d5e6f7ARAAr1\r\n=AbCd\r\n-----END PGP MESSAGE-----\r\n";

    private static string Mail(string from, string subject, string headers, string body) =>
        $"From: {from}\r\nTo: security@example.org\r\nSubject: {subject}\r\nMessage-Id: <{Guid.NewGuid()}@example.org>\r\n{headers}\r\n{body}";

    private static string Mixed(string from, string subject, params string[] parts) =>
        Mail(from, subject, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n",
            string.Concat(parts.Select(p => "--m\r\n" + p)) + "--m--\r\n");

    private sealed record Stored(Guid Id, string ReporterName, string ReporterEmail, string? Subject, string Description, bool Encrypted,
        List<(string? FileName, string ContentType, byte[] Content)> Attachments);

    private static async Task<List<Stored>> Reports(IntakeFixture f)
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var list = await (await member.GetAsync("reports")).Json();
        var reports = new List<Stored>();
        foreach (var summary in list.EnumerateArray())
        {
            var d = await (await member.GetAsync($"reports/{summary.GetProperty("id").GetGuid()}")).Json();
            reports.Add(new Stored(d.GetProperty("id").GetGuid(), d.GetProperty("reporterName").GetString()!, d.GetProperty("reporterEmail").GetString()!,
                d.GetProperty("subject").GetString(), d.GetProperty("description").GetString()!, d.GetProperty("encrypted").GetBoolean(),
                d.GetProperty("attachments").EnumerateArray().Select(a => (a.GetProperty("fileName").GetString(), a.GetProperty("contentType").GetString()!,
                    Convert.FromBase64String(a.GetProperty("contentBase64").GetString()!))).ToList()));
        }
        return reports;
    }

    private static async Task<(IntakeFixture F, MailSinkServer Sink, CapturingLoggerProvider Logs)> Start(SecurityMailbox box)
    {
        var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "intake-mail-");
        await sink.StartAsync();
        var settings = box.Settings();
        settings["Smtp__Host"] = "127.0.0.1";
        settings["Smtp__Port"] = sink.Port.ToString();
        settings["Smtp__Security"] = "None";
        settings["Smtp__From"] = "security@example.org";
        settings["Intake__PublicBaseUrl"] = "https://intake.example.org";
        var logs = new CapturingLoggerProvider();
        var f = await IntakeFixture.StartAsync(settings, b =>
        {
            b.Logging.SetMinimumLevel(LogLevel.Debug);
            b.Services.AddSingleton<ILoggerProvider>(logs);
        });
        return (f, sink, logs);
    }

    [Fact]
    public async Task A_message_that_cannot_be_parsed_is_kept_raw_as_a_report_and_does_not_hold_up_the_mail_behind_it()
    {
        var box = new SecurityMailbox();
        var unreadable = "this is not a mail SECRET-a41\r\n\r\nneither is this\r\n"u8.ToArray(); // no header: MimeKit throws
        await box.Deliver(unreadable);
        await box.Deliver(Mail("Rita <rita@example.org>", "Crash", "", "SECRET-b52 the parser crashes\r\n"));
        var (f, sink, logs) = await Start(box);
        await using var _ = f;
        await using var __ = sink;

        await box.WaitUntilAllSeen();
        var reports = await Reports(f);
        Assert.Equal(2, reports.Count);
        var raw = Assert.Single(reports.Single(r => r.ReporterEmail == "").Attachments);
        Assert.Equal(("message.eml", "message/rfc822"), (raw.FileName, raw.ContentType));
        Assert.Equal(unreadable, raw.Content);
        // the readable one is acknowledged; nobody is for the unreadable one
        Assert.Equal("rita@example.org", Assert.Single(MimeMessage.Load(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)))).To.Mailboxes).Address);
        Assert.Contains(logs.Lines, l => l.Contains("kept raw in a report of its own")); // the logs were captured
        Assert.DoesNotContain(logs.Lines, l => l.Contains("SECRET-"));
    }

    [Fact]
    public async Task Parts_not_marked_as_attachments_are_kept_and_the_body_and_its_alternatives_are_not()
    {
        var box = new SecurityMailbox();
        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3 };
        await box.Deliver(Mixed("Rita <rita@example.org>", "parts",
            "Content-Type: multipart/alternative; boundary=\"a\"\r\n\r\n" +
            "--a\r\nContent-Type: text/plain\r\n\r\nThe body.\r\n--a\r\nContent-Type: text/html\r\n\r\n<p>The body.</p>\r\n--a--\r\n",
            "Content-Type: image/png; name=\"screenshot.png\"\r\nContent-Disposition: inline\r\nContent-Transfer-Encoding: base64\r\n\r\n" + Convert.ToBase64String(png) + "\r\n",
            "Content-Type: text/x-python; name=\"poc.py\"\r\n\r\nprint('poc')\r\n",
            "Content-Type: message/rfc822\r\n\r\nFrom: finder@example.net\r\nSubject: the original report\r\n\r\nThe forwarded report.\r\n",
            "Content-Type: text/plain\r\n\r\nA second text part after the screenshot.\r\n"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var report = Assert.Single(await Reports(f));
        Assert.Equal("The body.", report.Description.Trim());
        Assert.Equal(png, report.Attachments.Single(a => a.ContentType == "image/png").Content);
        Assert.Equal("print('poc')", Encoding.UTF8.GetString(report.Attachments.Single(a => a.FileName == "poc.py").Content).Trim());
        Assert.Contains("The forwarded report.", Encoding.UTF8.GetString(report.Attachments.Single(a => a.ContentType == "message/rfc822").Content));
        Assert.Contains(report.Attachments, a => Encoding.UTF8.GetString(a.Content).Contains("A second text part"));
        Assert.Equal(4, report.Attachments.Count); // not the body, not its HTML alternative
    }

    [Fact]
    public async Task Encrypted_reports_are_marked_encrypted_wherever_the_ciphertext_sits_and_kept_intact()
    {
        var box = new SecurityMailbox();
        // PGP/MIME inside multipart/mixed, as a mailing list or a gateway that adds a footer leaves it
        await box.Deliver(Mixed("nested@example.org", "nested",
            "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e\"\r\n\r\n" +
            "--e\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n--e\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" +
            Armored + "--e--\r\n",
            "Content-Type: text/plain\r\n\r\nlist footer\r\n"));
        // a plain note with the report as an encrypted attachment
        await box.Deliver(Mixed("attached@example.org", "attached",
            "Content-Type: text/plain\r\n\r\nThe details are in the attached file.\r\n",
            "Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"report.txt.asc\"\r\n\r\n" + Armored));
        // S/MIME, no Content-Disposition (as some clients send it)
        await box.Deliver(Mail("smime@example.org", "smime",
            "MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name=\"smime.p7m\"\r\nContent-Transfer-Encoding: base64\r\n",
            "MIAGCSqGSIb3DQEHA6CAMIACAQAxggFQ\r\n"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var reports = await Reports(f);
        var nested = reports.Single(r => r.ReporterEmail == "nested@example.org");
        Assert.True(nested.Encrypted);
        Assert.Equal(Armored[..^2], nested.Description);
        var attached = reports.Single(r => r.ReporterEmail == "attached@example.org");
        Assert.True(attached.Encrypted);
        Assert.Equal(Armored[..^2], Encoding.ASCII.GetString(Assert.Single(attached.Attachments).Content)); // the last CRLF belongs to the boundary
        var smime = reports.Single(r => r.ReporterEmail == "smime@example.org");
        Assert.True(smime.Encrypted);
        Assert.Equal("application/pkcs7-mime", Assert.Single(smime.Attachments).ContentType);
    }

    [Fact]
    public async Task Automatic_mail_and_mail_from_the_teams_own_address_get_no_acknowledgement()
    {
        var box = new SecurityMailbox();
        await box.Deliver(Mail("away@example.org", "Out of office", "Precedence: bulk\r\n", "I am away.\r\n"));
        await box.Deliver(Mail("away2@example.org", "Out of office", "Precedence: junk\r\n", "I am away.\r\n"));
        await box.Deliver(Mail("away3@example.org", "Automatic reply", "X-Autoreply: yes\r\n", "I am away.\r\n"));
        await box.Deliver(Mail("away4@example.org", "Automatic reply", "X-Autorespond: yes\r\n", "I am away.\r\n"));
        await box.Deliver("Return-Path: <>\r\n" + Mail("bounce@example.org", "Delivery failure", "", "Could not deliver.\r\n"));
        await box.Deliver(Mail("postmaster@mail.example.net", "Undeliverable", "MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"r\"\r\n",
            "--r\r\nContent-Type: text/plain\r\n\r\nFailed.\r\n--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mail.example.net\r\n\r\n--r--\r\n"));
        await box.Deliver(Mail("dev@lists.example.org", "[dev] thread", "List-Id: <dev.lists.example.org>\r\nPrecedence: list\r\n", "List mail.\r\n"));
        await box.Deliver(Mail("Security Team <SECURITY@example.org>", "a note to ourselves", "", "Our own address.\r\n"));
        await box.Deliver(Mail("Rita <rita@example.org>", "Crash", "", "A real report.\r\n"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        Assert.Equal(9, (await Reports(f)).Count); // every one is kept
        await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // any other reply would be here by now
        Assert.Equal(["rita@example.org"], sink.Messages().Select(m => MimeMessage.Load(m).To.Mailboxes.Single().Address));
    }

    [Fact]
    public async Task A_different_mail_reusing_a_message_id_is_a_report_of_its_own_and_the_same_mail_twice_is_one()
    {
        var box = new SecurityMailbox();
        var id = $"<{Guid.NewGuid()}@example.org>";
        var first = $"From: first@example.org\r\nSubject: one\r\nMessage-Id: {id}\r\n\r\nFirst report.\r\n";
        await box.Deliver(first);
        await box.Deliver("Received: from relay.example.org\r\n" + first); // the same mail again, by another route
        await box.Deliver($"From: second@example.org\r\nSubject: two\r\nMessage-Id: {id}\r\n\r\nAnother report by someone else.\r\n");
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var reports = await Reports(f);
        Assert.Equal(["first@example.org", "second@example.org"], reports.Select(r => r.ReporterEmail).Order());
    }

    [Fact]
    public async Task A_mail_reusing_a_message_id_with_the_same_text_but_other_attachments_is_a_report_of_its_own()
    {
        var box = new SecurityMailbox();
        var id = $"<{Guid.NewGuid()}@example.org>";
        string WithPoc(string file, string content) =>
            $"From: rita@example.org\r\nSubject: PoC\r\nMessage-Id: {id}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"m\"\r\n\r\n" +
            "--m\r\nContent-Type: text/plain\r\n\r\nSee the attachment.\r\n" +
            $"--m\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{file}\"\r\n\r\n{content}\r\n--m--\r\n";
        await box.Deliver(WithPoc("poc1.py", "print(1)"));
        await box.Deliver("Received: from relay.example.org\r\n" + WithPoc("poc1.py", "print(1)")); // the same mail again, by another route
        await box.Deliver(WithPoc("poc2.py", "print(2)"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var reports = await Reports(f);
        Assert.Equal(["poc1.py", "poc2.py"], reports.Select(r => Assert.Single(r.Attachments).FileName).Order());
    }

    [Fact]
    public async Task Sender_names_subjects_and_file_names_cannot_pose_as_another_address_or_carry_terminal_controls()
    {
        var box = new SecurityMailbox();
        static string Encoded(string s) => "=?utf-8?b?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(s)) + "?=";
        await box.Deliver(Mail("\"rita@example.org\" <mallory@evil.example>", "poser", "", "Hello.\r\n"));
        await box.Deliver(Mixed($"{Encoded("Eve\u001b]8;;https://evil.example\u0007 \u202eTeam")} <eve@example.org>", Encoded("Crash\u001b[2J in \u009bparser"),
            "Content-Type: text/plain\r\n\r\nHello.\r\n",
            $"Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"{Encoded("poc\u202etxt.exe")}\"\r\n\r\nX\r\n"));
        await box.Deliver(Mail("undisclosed-recipients:;", "no sender", "", "Hello.\r\n"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var reports = await Reports(f);
        var poser = reports.Single(r => r.ReporterEmail == "mallory@evil.example");
        Assert.Equal("mallory@evil.example", poser.ReporterName);
        var eve = reports.Single(r => r.ReporterEmail == "eve@example.org");
        Assert.DoesNotContain(eve.ReporterName + eve.Subject + eve.Attachments[0].FileName, c => char.IsControl(c) || c is '\u202e');
        Assert.Equal("Crash[2J in parser", eve.Subject);
        Assert.Equal("(unknown sender)", reports.Single(r => r.Subject == "no sender").ReporterName);
    }

    [Fact]
    public async Task A_reply_to_a_reported_mail_or_to_a_case_notice_joins_the_case_and_is_not_acknowledged_again()
    {
        var box = new SecurityMailbox();
        var original = $"{Guid.NewGuid()}@example.org";
        await box.Deliver($"From: Rita <rita@example.org>\r\nSubject: Crash\r\nMessage-Id: <{original}>\r\n\r\nThe parser crashes.\r\n");
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;
        await box.WaitUntilAllSeen();
        var ack = MimeMessage.Load(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))));
        Assert.EndsWith($"@example.org", ack.MessageId); // the team's domain, not the intake host's name
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, Assert.Single(await Reports(f)).Id);

        // the reporter answers the acknowledgement, as it asks
        await box.Deliver($"From: Rita <rita@example.org>\r\nSubject: Re: {ack.Subject}\r\nMessage-Id: <{Guid.NewGuid()}@example.org>\r\n" +
                          $"In-Reply-To: <{ack.MessageId}>\r\nReferences: <{original}> <{ack.MessageId}>\r\n\r\nA better PoC.\r\n");
        // a downstream maintainer answers a notice, whose subject names the case
        await box.Deliver(Mail("security@distro.example", $"Re: [COORD-{caseId.ToString("N")[..8]}] Embargoed: heap overflow", "", "Fix backported.\r\n"));
        // a new report whose References name its own Message-Id answers nothing
        var self = $"{Guid.NewGuid()}@example.org";
        await box.Deliver($"From: self@example.org\r\nSubject: new\r\nMessage-Id: <{self}>\r\nReferences: <{self}>\r\n\r\nAnother bug.\r\n");
        await box.WaitUntilAllSeen();

        var reports = await Reports(f);
        Assert.Equal(4, reports.Count);
        using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Assert.Equal(3, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports WHERE case_id = @caseId", new { caseId }));
        await sink.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(2)); // another acknowledgement would be here by now
        Assert.Equal(["rita@example.org", "self@example.org"], sink.Messages().Select(m => MimeMessage.Load(m).To.Mailboxes.Single().Address).Order());
    }

    [Fact]
    public async Task A_reply_in_a_thread_with_a_follow_up_kept_before_triage_joins_the_case_of_the_report()
    {
        var box = new SecurityMailbox();
        var original = $"{Guid.NewGuid()}@example.org";
        await box.Deliver($"From: Rita <rita@example.org>\r\nSubject: Crash\r\nMessage-Id: <{original}>\r\n\r\nThe parser crashes.\r\n");
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;
        await box.WaitUntilAllSeen();
        var ack = MimeMessage.Load(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))));
        // Rita follows up before anyone triaged the report: kept, with no case yet.
        var early = $"{Guid.NewGuid()}@example.org";
        await box.Deliver($"From: Rita <rita@example.org>\r\nSubject: Re: {ack.Subject}\r\nMessage-Id: <{early}>\r\n" +
                          $"In-Reply-To: <{ack.MessageId}>\r\nReferences: <{original}> <{ack.MessageId}>\r\n\r\nA smaller PoC.\r\n");
        await box.WaitUntilAllSeen();
        Assert.Equal(2, (await Reports(f)).Count);
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var caseId = await Samples.OpenCase(member, (await Reports(f)).Single(r => r.Description.Contains("parser crashes")).Id);
        // The follow-up kept before triage joins the case with the report it answers.
        var kept = (await Reports(f)).Single(r => r.Description.Contains("smaller PoC"));
        Assert.Equal(caseId, await conn.ExecuteScalarAsync<Guid?>("SELECT case_id FROM intake.reports WHERE id = @Id", new { kept.Id }));

        // Her next mail answers her own follow-up: its References name the report, the acknowledgement and the follow-up.
        var late = $"{Guid.NewGuid()}@example.org";
        await box.Deliver($"From: Rita <rita@example.org>\r\nSubject: Re: {ack.Subject}\r\nMessage-Id: <{late}>\r\n" +
                          $"In-Reply-To: <{early}>\r\nReferences: <{original}> <{ack.MessageId}> <{early}>\r\n\r\nThe fix works.\r\n");
        await box.WaitUntilAllSeen();

        var joined = (await Reports(f)).Single(r => r.Description.Contains("The fix works."));
        Assert.Equal(caseId, await conn.ExecuteScalarAsync<Guid?>("SELECT case_id FROM intake.reports WHERE id = @Id", new { joined.Id }));
    }

    [Fact]
    public async Task A_mail_of_which_parsing_leaves_no_text_and_no_part_is_attached_whole()
    {
        var box = new SecurityMailbox();
        var eml = Mail("rita@example.org", "no boundary", "MIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n", "The report text.\r\n");
        await box.Deliver(eml);
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        var report = Assert.Single(await Reports(f));
        var whole = Assert.Single(report.Attachments);
        Assert.Equal(("message.eml", "message/rfc822"), (whole.FileName, whole.ContentType));
        Assert.Equal(eml, Encoding.UTF8.GetString(whole.Content));
    }

    [Fact]
    public async Task A_body_of_many_armor_headers_does_not_stall_the_mailbox()
    {
        var box = new SecurityMailbox();
        // a regex "BEGIN[\s\S]*END" backtracks from every BEGIN: minutes for these 2 MB, hours for 20 MB
        await box.Deliver(Mail("odd@example.org", "armor", "", string.Concat(Enumerable.Repeat("-----BEGIN PGP MESSAGE-----\r\n", 70_000))));
        await box.Deliver(Mail("rita@example.org", "Crash", "", "The parser crashes.\r\n"));
        var (f, sink, _) = await Start(box);
        await using var _f = f;
        await using var _s = sink;

        await box.WaitUntilAllSeen();
        Assert.Equal(2, (await Reports(f)).Count);
    }
}
