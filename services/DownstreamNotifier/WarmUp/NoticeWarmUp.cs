using System.Diagnostics;
using System.Runtime;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Email;

namespace DownstreamNotifier.WarmUp;

/// <summary>
/// Composes notices of every mode at startup (to two public keys here whose secret halves were never kept) and sends
/// them with the senders' own SMTP client to a <see cref="DiscardSmtpServer"/> in this process, so that the JIT
/// compiles the composing and sending path, and promotes its hot framework methods, before the first fan-out instead
/// of during it. Nothing leaves the process. It takes one to a few seconds, and the senders start after it. In the
/// fan-out benchmark the first fan-out after a start cost 0.1-0.15 ms more CPU per notice than the second, nearly all
/// of it compilation; with this warm-up and <see cref="DatabaseWarmUp"/>, 0.05-0.1 ms, and with
/// <see cref="PublishPathWarmUp"/> too, 0-0.04 ms (what is left: MassTransit's consume pipeline, first run by the
/// first NotifyDownstream, and the JIT's second, optimizing, compilation of what the fan-out makes hot).
/// </summary>
public static class NoticeWarmUp
{
    /// <summary>
    /// Rounds of 40 sends of each notice at most (about half a second each): a process that keeps compiling (other
    /// work at startup) would otherwise hold the senders back.
    /// </summary>
    public const int MaxRounds = 5;

    private static readonly string[] KeyFiles = ["rsa3072.asc", "curve25519.asc"];

    /// <returns>how long it took, and how many notices the discarding server was given.</returns>
    public static (TimeSpan Elapsed, int Sent) Run(NoticeComposer composer)
    {
        var watch = Stopwatch.StartNew();
        using var server = new DiscardSmtpServer();
        // Only the discarding server's address: the service's own Smtp settings never reach the warm-up.
        using var connection = new SenderConnection(new SmtpOptions { Host = "127.0.0.1", Port = server.Port, Security = "None", TimeoutSeconds = 10 });
        var now = DateTimeOffset.UtcNow;
        var round = new NotificationRecord(Guid.Empty, Guid.Empty, NoticeKinds.Embargoed, now.AddDays(7), [], null, null, [], WarmUpDraft.Value);
        var notices = KeyFiles.Select(k => Notice(NoticeModes.Encrypted, ReadKey(k), "warm-up " + k))
            .Append(Notice(NoticeModes.Plain, null, null)).Append(Notice(NoticeModes.LinkOnly, null, null)).ToArray();
        SendAll(composer, connection, round, notices, now, times: 1);
        // The runtime recompiles hot precompiled framework methods as optimized code once it has counted their calls,
        // and it counts only after no method at all has been compiled for 100 ms; at startup other threads compile for
        // seconds. So rounds of sends follow pauses until a round in which nothing was compiled (the send path's hot
        // methods are then in their final form). One round right at startup often counted nothing, and the first
        // fan-out cost 0.07-0.1 ms more CPU per notice than the second; with rounds until quiet, 0-0.05 (measured
        // while a leak in the composer slowed the second fan-out too; without it the gap is 0.05-0.1 again, now
        // mostly code no warm-up here reaches).
        for (var i = 0; i < MaxRounds; i++)
        {
            var compiled = JitInfo.GetCompiledMethodCount();
            Thread.Sleep(200);
            SendAll(composer, connection, round, notices, now, times: 40);
            if (JitInfo.GetCompiledMethodCount() == compiled) break;
        }
        return (watch.Elapsed, server.Discarded);
    }

    private static void SendAll(NoticeComposer composer, SenderConnection connection, NotificationRecord round, ClaimedNotice[] notices, DateTimeOffset now, int times)
    {
        for (var i = 0; i < times; i++)
            foreach (var notice in notices)
            {
                var message = composer.Compose(round, notice, now, out var mode);
                // Compose falls back to link-only for a key it cannot use: that path would be warmed up, not encryption's.
                if (mode != notice.Mode) throw new InvalidOperationException($"a warm-up notice went {mode}, not {notice.Mode}: an embedded key is unusable");
                connection.Send(message, CancellationToken.None);
            }
    }

    private static ClaimedNotice Notice(string mode, string? publicKey, string? keyName) => new()
    {
        Email = "warm-up@coordination.invalid", Kind = NoticeKinds.Embargoed, Mode = mode, ContactName = "Warm-up",
        PublicKey = publicKey, KeyFingerprint = keyName,
    };

    private static string ReadKey(string file)
    {
        using var stream = typeof(NoticeWarmUp).Assembly.GetManifestResourceStream($"DownstreamNotifier.WarmUp.{file}")
                           ?? throw new InvalidOperationException($"warm-up key {file} is not embedded");
        return new StreamReader(stream).ReadToEnd();
    }
}
