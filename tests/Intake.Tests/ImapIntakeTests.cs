using System.Net;
using System.Text;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Reports;
using Intake.Tests.Support;
using MailSink;
using Coordination.Testing;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using MimeKit;
using Npgsql;

namespace Intake.Tests;

/// <summary>The security@ mailbox against the real Dovecot ./test.sh runs; each test has its own IMAP user (mailbox).</summary>
public sealed class ImapIntakeTests
{
    private const string Armored = "-----BEGIN PGP MESSAGE-----\r\n\r\nhQEMA1a2b3c4d5e6f7ARAAr1\r\n=AbCd\r\n-----END PGP MESSAGE-----\r\n";

    private static Dictionary<string, string> ImapSettings(string user) => new()
    {
        ["Imap__Host"] = "127.0.0.1",
        ["Imap__Port"] = Environment.GetEnvironmentVariable("COORD_IMAP_PORT") ?? throw new InvalidOperationException("COORD_IMAP_PORT not set: run through ./test.sh"),
        ["Imap__Username"] = user,
        ["Imap__Password"] = "secret",
        ["Imap__Security"] = "None",
        ["Imap__PollSeconds"] = "1",
    };

    private static string PlainMessage(string messageId) =>
        $"From: Rita Reporter <rita@example.org>\r\nTo: security@example.org\r\nSubject: Crash in parser\r\nMessage-Id: <{messageId}>\r\n" +
        "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe parser crashes; PoC attached.\r\n" +
        "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"poc.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
        Convert.ToBase64String(Encoding.ASCII.GetBytes("POC-BYTES")) + "\r\n--b1--\r\n";

    private static string PgpMimeMessage(string messageId) =>
        $"From: eve@example.org\r\nTo: security@example.org\r\nSubject: encrypted\r\nMessage-Id: <{messageId}>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/encrypted; protocol=\"application/pgp-encrypted\"; boundary=\"e1\"\r\n\r\n" +
        "--e1\r\nContent-Type: application/pgp-encrypted\r\n\r\nVersion: 1\r\n" +
        "--e1\r\nContent-Type: application/octet-stream; name=\"encrypted.asc\"\r\n\r\n" + Armored + "--e1--\r\n";

    // Mail goes in and flags are read over IMAP itself (any user name logs in with the shared password), so the test
    // needs nothing of the server's files and works against whichever Dovecot ./test.sh started.
    private static async Task<ImapClient> Connect(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync("127.0.0.1", int.Parse(ImapSettings(user)["Imap__Port"]), SecureSocketOptions.None);
        await client.AuthenticateAsync(user, "secret");
        await client.Inbox.OpenAsync(FolderAccess.ReadWrite);
        return client;
    }

    private static async Task Deliver(string user, string eml, MessageFlags flags = MessageFlags.None)
    {
        using var client = await Connect(user);
        await client.Inbox.AppendAsync(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(eml))), flags);
        await client.DisconnectAsync(true);
    }

    private static async Task<int> Unseen(string user)
    {
        using var client = await Connect(user);
        var unseen = await client.Inbox.SearchAsync(SearchQuery.NotSeen);
        await client.DisconnectAsync(true);
        return unseen.Count;
    }

    private static async Task MarkAllUnseen(string user)
    {
        using var client = await Connect(user);
        var all = await client.Inbox.SearchAsync(SearchQuery.All);
        await client.Inbox.StoreAsync(all, new StoreFlagsRequest(StoreAction.Remove, MessageFlags.Seen) { Silent = true });
        await client.DisconnectAsync(true);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(what);
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Mail_to_the_security_mailbox_becomes_reports_once_even_when_fetched_again_after_a_restart()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        var plainId = Guid.NewGuid() + "@example.org";
        await Deliver(user, PlainMessage(plainId));
        await Deliver(user, PgpMimeMessage(Guid.NewGuid() + "@example.org"));
        await Deliver(user, PlainMessage(plainId)); // the same message delivered twice

        await using var f = await IntakeFixture.StartAsync(ImapSettings(user));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Task<long> Reports() => conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports");
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take every message");
        Assert.Equal(2, await Reports());

        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var list = await (await member.GetAsync("reports")).Json();
        var plain = list.EnumerateArray().Single(r => !r.GetProperty("encrypted").GetBoolean());
        var detail = await (await member.GetAsync($"reports/{plain.GetProperty("id").GetGuid()}")).Json();
        Assert.Equal("email", detail.GetProperty("source").GetString());
        Assert.Equal("rita@example.org", detail.GetProperty("reporterEmail").GetString());
        Assert.Equal("Rita Reporter", detail.GetProperty("reporterName").GetString());
        Assert.Equal("Crash in parser", detail.GetProperty("subject").GetString());
        Assert.Contains("The parser crashes", detail.GetProperty("description").GetString());
        var attachment = detail.GetProperty("attachments")[0];
        Assert.Equal("poc.bin", attachment.GetProperty("fileName").GetString());
        Assert.Equal("POC-BYTES", Encoding.ASCII.GetString(Convert.FromBase64String(attachment.GetProperty("contentBase64").GetString()!)));

        var encrypted = list.EnumerateArray().Single(r => r.GetProperty("encrypted").GetBoolean());
        var secret = await (await member.GetAsync($"reports/{encrypted.GetProperty("id").GetGuid()}")).Json();
        // The CRLF before the closing boundary belongs to the boundary (RFC 2046); the raw message keeps everything.
        Assert.Equal(Armored[..^2], secret.GetProperty("description").GetString());
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports WHERE raw_message IS NOT NULL AND encrypted"));

        // A restart that sees every message again (flags lost, or a crash before flagging) makes no new report.
        await f.Host.DisposeAsync();
        await MarkAllUnseen(user);
        Assert.Equal(3, await Unseen(user));
        await using var restarted = await IntakeHost.StartAsync(f.Isolation, ImapSettings(user));
        await WaitUntil(async () => await Unseen(user) == 0, "the restarted poller did not take the messages again");
        Assert.Equal(2, await Reports());
    }

    [Fact]
    public async Task A_first_poll_takes_every_unread_mail_whatever_the_batch_size_so_none_a_member_reads_meanwhile_is_lost()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 3; i++) await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"));
        var settings = ImapSettings(user);
        settings["Imap__BatchSize"] = "1";
        settings["Imap__PollSeconds"] = "4";
        await using var f = await IntakeFixture.StartAsync(settings);
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Task<long> Reports() => conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports");
        await WaitUntil(async () => await Reports() >= 1, "the first poll took nothing");

        // A member reads the newest in a mail client before the next poll.
        using (var client = await Connect(user))
        {
            var all = await client.Inbox.SearchAsync(SearchQuery.All);
            await client.Inbox.AddFlagsAsync(all.Max(), MessageFlags.Seen, silent: true);
            await client.DisconnectAsync(true);
        }
        await Task.Delay(TimeSpan.FromSeconds(9)); // two more polls
        Assert.Equal(3, await Reports());
    }

    [Fact]
    public async Task Mail_a_member_read_before_the_poll_is_a_report_all_the_same_but_mail_read_before_the_first_poll_is_not()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"), MessageFlags.Seen); // old mail, read before deployment
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"));

        var settings = ImapSettings(user);
        settings["Imap__BatchSize"] = "1"; // a poll that leaves some for the next must not skip them
        await using var f = await IntakeFixture.StartAsync(settings);
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        Task<long> Reports() => conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports");
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take the unseen message");
        Assert.Equal(1, await Reports());

        var readFirst = Enumerable.Range(0, 3).Select(_ => Guid.NewGuid() + "@example.org").ToArray();
        foreach (var id in readFirst) await Deliver(user, PlainMessage(id), MessageFlags.Seen); // members opened them in a mail client first
        await WaitUntil(async () => await Reports() == 4, "a message read before the poll never became a report");
        Assert.Equal(3, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports WHERE message_id = ANY(@Ids)", new { Ids = readFirst }));
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // two more polls: the old mail stays old, nothing is taken twice
        Assert.Equal(4, await Reports());
    }

    [Fact]
    public async Task A_mail_fetched_again_by_a_service_that_reads_it_differently_makes_no_second_report()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org").Replace("The parser crashes; PoC attached.", new string('x', 300)));
        await using var f = await IntakeFixture.StartAsync(ImapSettings(user));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take the message");

        // Stopped before the flag was set (a deploy), and started again configured to cut descriptions shorter.
        await f.Host.DisposeAsync();
        await MarkAllUnseen(user);
        var settings = ImapSettings(user);
        settings["Intake__MaxDescriptionChars"] = "100";
        await using var restarted = await IntakeHost.StartAsync(f.Isolation, settings);
        await WaitUntil(async () => await Unseen(user) == 0, "the restarted poller did not take the message again");
        Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports"));
    }

    [Fact]
    public async Task An_emailed_report_is_answered_once_with_its_id_and_a_token_that_reads_its_status_and_automatic_mail_is_not()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"));
        await Deliver(user, "From: MAILER-DAEMON@example.net\r\nTo: security@example.org\r\nSubject: Undelivered Mail\r\n" +
                            $"Message-Id: <{Guid.NewGuid()}@example.net>\r\nAuto-Submitted: auto-replied\r\n\r\nA bounce.\r\n");
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "intake-mail-");
        await sink.StartAsync();
        var settings = ImapSettings(user);
        settings["Smtp__Host"] = "127.0.0.1";
        settings["Smtp__Port"] = sink.Port.ToString();
        settings["Smtp__Security"] = "None";
        settings["Smtp__From"] = "security@example.org";
        settings["Intake__PublicBaseUrl"] = "https://intake.example.org";

        await using var f = await IntakeFixture.StartAsync(settings);
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take every message");
        var reply = MimeMessage.Load(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))));
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var reportId = await conn.ExecuteScalarAsync<Guid>("SELECT id FROM intake.reports WHERE reporter_email = 'rita@example.org'");

        Assert.Equal("rita@example.org", Assert.Single(reply.To.Mailboxes).Address);
        Assert.Equal("auto-replied", reply.Headers[HeaderId.AutoSubmitted]);
        Assert.Contains(reportId.ToString(), reply.Subject);
        Assert.Contains($"https://intake.example.org/reports/{reportId}", reply.TextBody);
        Assert.DoesNotContain("parser", reply.TextBody + reply.Subject, StringComparison.OrdinalIgnoreCase); // nothing of the report itself
        var token = System.Text.RegularExpressions.Regex.Match(reply.TextBody ?? "", @"rt1\.[A-Za-z0-9_-]+").Value;
        using var reporter = f.Host.Client();
        reporter.DefaultRequestHeaders.Add(ReporterToken.Header, token);
        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync($"reports/{reportId}")).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(2)); // a reply to the bounce, or a second reply, would be here by now
        Assert.Single(sink.Messages());
        Assert.Equal(2, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports"));
    }

    [Fact]
    public async Task A_report_stored_but_not_yet_answered_when_the_service_stopped_is_answered_after_the_restart_with_a_token_that_works()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"));
        // A mail server that takes the connection and says nothing: the reply is under way when the service stops.
        var silent = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var settings = ImapSettings(user);
        settings["Smtp__Host"] = "127.0.0.1";
        settings["Smtp__Port"] = ((IPEndPoint)silent.LocalEndpoint).Port.ToString();
        settings["Smtp__Security"] = "None";
        settings["Smtp__From"] = "security@example.org";
        var isolation = await TestInfrastructure.CreateIsolationAsync("intake");
        var first = await IntakeHost.StartAsync(isolation, settings);
        using (await silent.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(30)))
        {
            await using var conn = new NpgsqlConnection(isolation.ConnectionString);
            Assert.Equal(1, await conn.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports")); // stored, not answered
            await first.DisposeAsync();
        }
        silent.Stop();

        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "intake-mail-");
        await sink.StartAsync();
        settings["Smtp__Port"] = sink.Port.ToString();
        await using var restarted = await IntakeHost.StartAsync(isolation, settings);
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take the message again");
        var reply = MimeMessage.Load(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))));
        await using var db = new NpgsqlConnection(isolation.ConnectionString);
        var reportId = await db.ExecuteScalarAsync<Guid>("SELECT id FROM intake.reports");
        Assert.Contains(reportId.ToString(), reply.Subject);
        var token = System.Text.RegularExpressions.Regex.Match(reply.TextBody ?? "", @"rt1\.[A-Za-z0-9_-]+").Value;
        using var reporter = restarted.Client();
        reporter.DefaultRequestHeaders.Add(ReporterToken.Header, token);
        Assert.Equal(HttpStatusCode.OK, (await reporter.GetAsync($"reports/{reportId}")).StatusCode);
        Assert.Equal(1, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM intake.reports"));
    }

    [Fact]
    public async Task A_message_with_fields_the_database_cannot_hold_does_not_stop_the_mail_behind_it_and_raw_mail_is_kept_byte_for_byte()
    {
        var user = "intake-" + Guid.NewGuid().ToString("N");
        // An attachment name that decodes to a NUL (RFC 2231), and a subject whose cut at 300 characters falls inside
        // a surrogate pair: PostgreSQL refuses the one, Npgsql the half of the other. Both used to fail every poll.
        var odd = "From: Odd Sender <odd@example.org>\r\nTo: security@example.org\r\n" +
                  $"Subject: =?utf-8?b?{Convert.ToBase64String(Encoding.UTF8.GetBytes(new string('a', 299) + "\U0001F600 tail"))}?=\r\n" +
                  $"Message-Id: <{Guid.NewGuid()}@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
                  "--b1\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n" +
                  "--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename*=utf-8''ev%00il.txt\r\n\r\nX\r\n--b1--\r\n";
        await Deliver(user, odd);
        await Deliver(user, PlainMessage(Guid.NewGuid() + "@example.org"));
        byte[] asHeld;
        using (var client = await Connect(user))
        {
            var uids = await client.Inbox.SearchAsync(SearchQuery.All);
            await using var stream = await client.Inbox.GetStreamAsync(uids[^1]);
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy);
            asHeld = copy.ToArray();
            await client.DisconnectAsync(true);
        }

        await using var f = await IntakeFixture.StartAsync(ImapSettings(user));
        await WaitUntil(async () => await Unseen(user) == 0, "the poller did not take every message");
        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var oddReport = await conn.QuerySingleAsync<(string Subject, string FileName)>(
            "SELECT r.subject, a.file_name FROM intake.reports r JOIN intake.report_attachments a ON a.report_id = r.id WHERE r.reporter_email = 'odd@example.org'");
        Assert.Equal(new string('a', 299), oddReport.Subject);
        Assert.Equal("evil.txt", oddReport.FileName);
        var raw = await conn.QuerySingleAsync<byte[]>("SELECT raw_message FROM intake.reports WHERE reporter_email = 'rita@example.org'");
        Assert.Equal(asHeld, raw); // CRLF line ends and all, as the mailbox holds it
    }

    [Fact]
    public void Fields_taken_from_mail_hold_no_nul_and_no_half_of_a_surrogate_pair()
    {
        // Built in code: xunit would mend lone surrogates in attribute data before the test saw them.
        const char high = '\uD83D', low = '\uDE00';
        static string Stored(string text, int max) => Coordination.Hosting.Validation.TextLimit.Cut(Intake.Imap.EmailReport.Clean(text), max);
        Assert.Equal("abc", Stored("ab\0c", 10));
        Assert.Equal("ab\uFFFD", Stored("ab" + high, 10));
        Assert.Equal("a\uFFFDb", Stored("a" + low + "b", 10));
        Assert.Equal("ab", Stored("ab" + high + low, 3)); // the cut would fall inside the pair
        Assert.Equal("ab" + high + low, Stored("ab" + high + low, 4));
    }

    [Fact]
    public async Task Without_an_imap_host_the_poller_stays_off()
    {
        await using var f = await IntakeFixture.StartAsync();
        var options = f.Host.Service<Microsoft.Extensions.Options.IOptions<Intake.Imap.ImapOptions>>().Value;
        Assert.False(options.Enabled);
        Assert.Equal(HttpStatusCode.Accepted, (await f.Host.Client().Post("reports", Samples.Report())).StatusCode);
    }
}
