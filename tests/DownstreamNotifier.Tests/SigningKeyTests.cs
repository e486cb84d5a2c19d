using Coordination.Contracts.Notices;
using Coordination.Testing;
using DownstreamNotifier.Keys;
using DownstreamNotifier.Tests.Support;
using MimeKit;
using MimeKit.Cryptography;

namespace DownstreamNotifier.Tests;

/// <summary>Which of the team's secret keys signs notices: one with key material that its signatures allow to sign.</summary>
public sealed class SigningKeyTests
{
    [Fact]
    public async Task With_a_certify_only_primary_the_signing_subkey_signs_also_when_the_primary_is_offline()
    {
        using var gpg = new Gpg();
        await gpg.NewKeyWithSigningSubkeyAsync("psrt@python.test");
        var signingSubkey = await gpg.SigningSubkeyFingerprintAsync("psrt@python.test");

        foreach (var exported in new[] { await gpg.ExportSecretAsync("psrt@python.test"), await gpg.ExportSecretSubkeysAsync("psrt@python.test") })
        {
            Assert.True(SigningKeyLoader.TryLoad(exported, "", out var key, out var error), error);
            Assert.Equal(signingSubkey, Convert.ToHexString(key!.PublicKey.GetFingerprint()));
            Assert.NotNull(key.ExtractPrivateKey([]));
        }
    }

    [Fact]
    public async Task A_key_whose_only_signing_key_is_an_offline_placeholder_is_refused()
    {
        using var gpg = new Gpg();
        await gpg.NewRsaKeyAsync("psrt@python.test"); // primary signs and certifies; the subkey only encrypts
        var subkeysOnly = await gpg.ExportSecretSubkeysAsync("psrt@python.test");

        Assert.False(SigningKeyLoader.TryLoad(subkeysOnly, "", out var key, out var error));
        Assert.Null(key);
        Assert.Contains("signing key", error);
    }

    [Fact]
    public async Task Notices_signed_by_a_team_key_with_a_certify_only_primary_verify_in_gpg()
    {
        using var gpg = new Gpg();
        await gpg.NewKeyWithSigningSubkeyAsync("psrt@python.test");
        var teamSecret = await gpg.ExportSecretSubkeysAsync("psrt@python.test"); // the primary kept offline
        var signingSubkey = await gpg.SigningSubkeyFingerprintAsync("psrt@python.test");
        var rsaKey = await gpg.NewRsaKeyAsync("rsa@debian.test");
        var curveKey = await gpg.NewCurve25519KeyAsync("curve@fedora.test");
        await using var h = await NotifierHarness.StartAsync(extra: new() { ["Notifier__SigningKey"] = teamSecret, ["Notifier__SigningKeyPassphrase"] = "" });

        var debian = await h.CreateProjectAsync("Debian python3.12", ["pkg:generic/cpython"], ["distros"]);
        await h.CreateContactAsync(debian, "rsa@debian.test", rsaKey);
        await h.CreateContactAsync(debian, "curve@fedora.test", curveKey);
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "cpython", "pkg:generic/cpython"));
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"]));

        var done = await h.WaitForNoticesAsync(caseId, n => n.Counts.GetValueOrDefault("sent") + n.Counts.GetValueOrDefault("failed") == 2);
        Assert.Equal(2, done.Counts.GetValueOrDefault("sent"));
        var files = await h.Sink.WaitForMessagesAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal(2, files.Count);
        foreach (var file in files)
        {
            var encrypted = Assert.IsType<MultipartEncrypted>((await MimeMessage.LoadAsync(file)).Body);
            using var stream = new MemoryStream();
            ((MimePart)encrypted[1]).Content!.DecodeTo(stream);
            var (plain, status) = await gpg.DecryptWithStatusAsync(stream.ToArray());
            Assert.Contains("Heap overflow in the frobnicator", plain);
            Assert.Contains(status, l => l.Contains(" GOODSIG "));
            Assert.Contains(status, l => l.Contains($"VALIDSIG {signingSubkey}"));
        }
    }
}
