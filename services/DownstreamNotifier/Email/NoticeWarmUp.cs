using System.Diagnostics;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using MimeKit;

namespace DownstreamNotifier.Email;

/// <summary>
/// Composes and serializes notices of every mode at startup (to two public keys in WarmUp/ whose secret halves were
/// never kept; nothing is sent), so that the JIT compiles the composing path, and promotes its hot framework methods,
/// before the first fan-out instead of during it. In the fan-out benchmark the first fan-out after a start cost about
/// 0.1 ms more CPU per notice than the second, nearly all of it compilation.
/// </summary>
public static class NoticeWarmUp
{
    private static readonly string[] KeyFiles = ["rsa3072.asc", "curve25519.asc"];

    /// <returns>how long it took.</returns>
    public static TimeSpan Run(NoticeComposer composer)
    {
        var watch = Stopwatch.StartNew();
        var now = DateTimeOffset.UtcNow;
        var round = new NotificationRecord(Guid.Empty, Guid.Empty, NoticeKinds.Embargoed, now.AddDays(7), [], null, null, [], null);
        var notices = KeyFiles.Select(k => Notice(NoticeModes.Encrypted, ReadKey(k), "warm-up " + k))
            .Append(Notice(NoticeModes.Plain, null, null)).Append(Notice(NoticeModes.LinkOnly, null, null)).ToArray();
        ComposeAll(composer, round, notices, now, times: 1);
        // The runtime counts calls of precompiled framework methods (and recompiles the hot ones) only once no new
        // method has been compiled for 100 ms.
        Thread.Sleep(200);
        ComposeAll(composer, round, notices, now, times: 40);
        return watch.Elapsed;
    }

    private static void ComposeAll(NoticeComposer composer, NotificationRecord round, ClaimedNotice[] notices, DateTimeOffset now, int times)
    {
        for (var i = 0; i < times; i++)
            foreach (var notice in notices)
                composer.Compose(round, notice, now).WriteTo(FormatOptions.Default, Stream.Null);
    }

    private static ClaimedNotice Notice(string mode, string? publicKey, string? keyName) => new()
    {
        Email = "warm-up@coordination.invalid", Kind = NoticeKinds.Embargoed, Mode = mode, ContactName = "Warm-up",
        PublicKey = publicKey, KeyFingerprint = keyName,
    };

    private static string ReadKey(string file)
    {
        using var stream = typeof(NoticeWarmUp).Assembly.GetManifestResourceStream($"DownstreamNotifier.Email.WarmUp.{file}")
                           ?? throw new InvalidOperationException($"warm-up key {file} is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }
}
