using System.Diagnostics;

namespace Coord.Demo;

/// <summary>gpg in a temporary GNUPGHOME: makes passphrase-less keys, exports public keys, decrypts. Deleted on dispose.</summary>
public sealed class Gpg : IDisposable
{
    public string Home { get; } = Directory.CreateTempSubdirectory("coord-gpg-").FullName;

    public Gpg()
    {
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(Home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>An ed25519 primary with a cv25519 encryption subkey; returns the ASCII-armored public key.</summary>
    public async Task<string> GenerateKeyAsync(string name, string email, CancellationToken ct)
    {
        await RunAsync(["--passphrase", "", "--quick-gen-key", $"{name} <{email}>", "ed25519", "sign", "never"], null, ct);
        var fingerprint = (await RunAsync(["--with-colons", "--list-keys", email], null, ct)).Split('\n')
            .First(l => l.StartsWith("fpr:", StringComparison.Ordinal)).Split(':')[9];
        await RunAsync(["--passphrase", "", "--quick-add-key", fingerprint, "cv25519", "encr", "never"], null, ct);
        return await RunAsync(["--armor", "--export", email], null, ct);
    }

    public Task<string> DecryptAsync(string armored, CancellationToken ct) => RunAsync(["--decrypt"], armored, ct);

    private async Task<string> RunAsync(IEnumerable<string> args, string? input, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("gpg")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { "--homedir", Home, "--batch", "--yes", "--quiet", "--pinentry-mode", "loopback" }.Concat(args)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("cannot start gpg");
        var stdout = p.StandardOutput.ReadToEndAsync(ct);
        var stderr = p.StandardError.ReadToEndAsync(ct);
        if (input is not null) await p.StandardInput.WriteAsync(input);
        p.StandardInput.Close();
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0) throw new InvalidOperationException($"gpg {string.Join(' ', args.Take(2))} failed: {(await stderr).Trim()}");
        return await stdout;
    }

    public void Dispose()
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("gpgconf", ["--homedir", Home, "--kill", "all"]) { UseShellExecute = false, RedirectStandardError = true });
            kill?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception) { }
        try { Directory.Delete(Home, recursive: true); } catch (IOException) { }
    }
}
