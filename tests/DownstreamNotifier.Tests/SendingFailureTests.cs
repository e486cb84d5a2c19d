using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;
using Npgsql;
using Org.BouncyCastle.Bcpg;
using Org.BouncyCastle.Bcpg.OpenPgp;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Security;

namespace DownstreamNotifier.Tests;

/// <summary>Failures the send loop did not expect: they fail or defer one notice, never end a sender worker.</summary>
public sealed class SendingFailureTests
{
    private static readonly SecureRandom Random = new();

    /// <summary>An RSA-4100 encryption subkey with an 81-bit exponent: BouncyCastle reads it, OpenSSL refuses it ("bad e value").</summary>
    private static (string Armored, string SubkeyFingerprint, string Fingerprint) PoisonKey()
    {
        var created = DateTime.UtcNow.AddMinutes(-5);
        var primary = SignedKeys.NewPrimary(created);
        var n = BigInteger.ProbablePrime(2050, Random).Multiply(BigInteger.ProbablePrime(2050, Random));
        var sub = new PgpPublicKey(new PublicSubkeyPacket(PublicKeyPacket.Version4, PublicKeyAlgorithmTag.RsaGeneral, created,
            new RsaPublicBcpgKey(n, BigInteger.One.ShiftLeft(80).Add(BigInteger.One))));
        return (SignedKeys.Armored(primary, (sub, primary)), Convert.ToHexString(sub.GetFingerprint()), Convert.ToHexString(primary.PublicKey.GetFingerprint()));
    }

    [Fact]
    public async Task An_RSA_key_OpenSSL_cannot_encrypt_to_is_refused_at_upload_and_one_stored_earlier_fails_only_its_notice()
    {
        await using var h = await NotifierHarness.StartAsync();
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        var (poison, subkey, fingerprint) = PoisonKey();

        var refused = await h.Http.PostAsJsonAsync($"projects/{project}/contacts", new { name = "poison", email = "poison@alpine.test", role = "security", publicKey = poison });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var body = await refused.Content.ReadAsStringAsync();
        Assert.Contains("publicKey", body);
        Assert.Contains("cannot be encrypted to", body);

        // Such a key stored before the upload check refused it: its notice fails, the others go, the service stays up.
        var stored = await h.CreateContactAsync(project, "poison@alpine.test");
        await using (var conn = new NpgsqlConnection(h.Isolation.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("UPDATE notifier.contacts SET public_key = $1, key_fingerprint = $2, encryption_subkey = $3 WHERE id = $4", conn)
                { Parameters = { new() { Value = poison }, new() { Value = fingerprint }, new() { Value = subkey }, new() { Value = stored } } };
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }
        for (var i = 0; i < 5; i++) await h.CreateContactAsync(project, $"fine{i}@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        var done = await h.WaitForNoticesAsync(caseId, c => c.Counts.GetValueOrDefault("sent") == 5 && c.Counts.GetValueOrDefault("failed") == 1);
        var failed = done.Notices.Single(n => n.ContactId == stored);
        Assert.Equal("failed", failed.State);
        Assert.Contains("could not be composed", failed.LastError);
        Assert.DoesNotContain("frobnicator", failed.LastError);
        Assert.False(h.Service.HasExited);

        // The workers are all still there: a second round goes out in full.
        var second = Guid.NewGuid();
        await h.PublishDraftAsync(second, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(second, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));
        await h.WaitForNoticesAsync(second, c => c.Counts.GetValueOrDefault("sent") == 5 && c.Counts.GetValueOrDefault("failed") == 1);
        Assert.False(h.Service.HasExited);
        Assert.DoesNotContain("frobnicator", h.Service.Output);
    }

    [Fact]
    public async Task With_StartTls_required_and_a_server_that_offers_none_notices_are_deferred_and_the_service_stays_up()
    {
        // The sink offers no STARTTLS: MailKit throws NotSupportedException when connecting.
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Smtp__Security"] = "StartTls", ["Smtp__MaxConnections"] = "2" });
        var project = await h.CreateProjectAsync("Alpine py3-urllib3", ["pkg:pypi/urllib3"]);
        for (var i = 0; i < 3; i++) await h.CreateContactAsync(project, $"c{i}@alpine.test");
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "urllib3", "pkg:pypi/urllib3"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        // Retried (base delay 1 s) and deferred again, each time: the workers live on.
        var done = await h.WaitForNoticesAsync(caseId, c => c.Notices.Count == 3 && c.Notices.All(n => n.State == "deferred" && n.Attempts >= 2));
        // The first in a batch names the failure; the rest of that batch is deferred without trying again.
        Assert.Contains(done.Notices, n => n.LastError!.Contains("NotSupportedException"));
        Assert.All(done.Notices, n => Assert.Matches("NotSupportedException|mail server unreachable", n.LastError));
        Assert.False(h.Service.HasExited);
        Assert.Empty(h.Sink.Messages());
    }
}
