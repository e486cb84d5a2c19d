using System.Diagnostics;

namespace Coordination.Testing;

/// <summary>The real gpg, in a temporary GNUPGHOME of the test's own.</summary>
public sealed class Gpg : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("gnupg-").FullName;

    /// <summary>RSA-3072 primary (sign/certify) plus an RSA-3072 encryption subkey; returns the armored public key.</summary>
    public async Task<string> NewRsaKeyAsync(string email, bool withEncryptionSubkey = true, string expiry = "never")
    {
        await RunAsync(["--quick-gen-key", $"Test <{email}>", "rsa3072", "default", expiry]);
        if (withEncryptionSubkey)
            await RunAsync(["--quick-add-key", await FingerprintAsync(email), "rsa3072", "encr", expiry]);
        return await ExportAsync(email);
    }

    /// <summary>gpg's future-default: Ed25519 primary, Curve25519 encryption subkey.</summary>
    public async Task<string> NewCurve25519KeyAsync(string email, string expiry = "never")
    {
        await RunAsync(["--quick-gen-key", $"Test <{email}>", "future-default", "default", expiry]);
        return await ExportAsync(email);
    }

    /// <summary>
    /// Ed25519 primary that may only certify, an Ed25519 signing subkey and a Curve25519 encryption subkey (how keys with
    /// an offline primary are made); returns the armored public key.
    /// </summary>
    public async Task<string> NewKeyWithSigningSubkeyAsync(string email)
    {
        await RunAsync(["--quick-gen-key", $"Test <{email}>", "ed25519", "cert", "never"]);
        var fingerprint = await FingerprintAsync(email);
        await RunAsync(["--quick-add-key", fingerprint, "ed25519", "sign", "never"]);
        await RunAsync(["--quick-add-key", fingerprint, "cv25519", "encr", "never"]);
        return await ExportAsync(email);
    }

    /// <summary>The fingerprint of the key's last signing-capable subkey, as gpg lists it.</summary>
    public async Task<string> SigningSubkeyFingerprintAsync(string email)
    {
        var lines = (await RunAsync(["--with-colons", "--with-subkey-fingerprints", "--list-keys", email])).Split('\n');
        var subkey = Array.FindLastIndex(lines, l => l.StartsWith("sub:", StringComparison.Ordinal) && l.Split(':')[11].Contains('s'));
        return lines.Skip(subkey + 1).First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    /// <summary>The armored secret subkeys only, the primary key as a placeholder (gpg --export-secret-subkeys: an offline primary).</summary>
    public Task<string> ExportSecretSubkeysAsync(string email) => RunAsync(["--armor", "--export-secret-subkeys", email]);

    public Task<string> ExportAsync(string email) => RunAsync(["--armor", "--export", email]);

    public async Task<string> FingerprintAsync(string email)
    {
        var colons = await RunAsync(["--with-colons", "--list-keys", email]);
        return colons.Split('\n').First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    /// <summary>The fingerprint of the key's last encryption-capable subkey, as gpg lists it.</summary>
    public async Task<string> EncryptionSubkeyFingerprintAsync(string email)
    {
        var lines = (await RunAsync(["--with-colons", "--with-subkey-fingerprints", "--list-keys", email])).Split('\n');
        var subkey = Array.FindLastIndex(lines, l => l.StartsWith("sub:", StringComparison.Ordinal) && l.Split(':')[11].Contains('e'));
        return lines.Skip(subkey + 1).First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
    }

    public async Task<string> DecryptAsync(byte[] encrypted)
    {
        var file = Path.Combine(Home, $"in-{Guid.NewGuid():N}.asc");
        await File.WriteAllBytesAsync(file, encrypted);
        return await RunAsync(["--decrypt", file]);
    }

    /// <summary>gpg --encrypt without --armor: the binary OpenPGP message a .gpg file holds (to the key of the email, or
    /// with a passphrase when email is null).</summary>
    public async Task<byte[]> EncryptBinaryAsync(string? email, string plain)
    {
        var input = Path.Combine(Home, $"plain-{Guid.NewGuid():N}.txt");
        var output = input + ".gpg";
        await File.WriteAllTextAsync(input, plain);
        string[] how = email is null ? ["--passphrase", "correct horse", "--symmetric"] : ["--trust-model", "always", "--recipient", email, "--encrypt"];
        await RunAsync(["--output", output, .. how, input]);
        return await File.ReadAllBytesAsync(output);
    }

    /// <summary>The armored secret key (generated without a passphrase).</summary>
    public Task<string> ExportSecretAsync(string email) => RunAsync(["--armor", "--export-secret-keys", email]);

    /// <summary>Decrypts; returns the plaintext and gpg's machine-readable status lines (GOODSIG, VALIDSIG, ...).</summary>
    public async Task<(string Plain, string[] Status)> DecryptWithStatusAsync(byte[] encrypted)
    {
        var file = Path.Combine(Home, $"in-{Guid.NewGuid():N}.asc");
        var status = file + ".status";
        await File.WriteAllBytesAsync(file, encrypted);
        var plain = await RunAsync(["--status-file", status, "--decrypt", file]);
        return (plain, await File.ReadAllLinesAsync(status));
    }

    private async Task<string> RunAsync(string[] args)
    {
        var psi = new ProcessStartInfo("gpg") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--batch", "--homedir", Home, "--pinentry-mode", "loopback", "--passphrase", "" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0) throw new InvalidOperationException($"gpg {string.Join(' ', args)} failed: {await stderr}");
        return await stdout;
    }

    public void Dispose()
    {
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { }
    }
}
