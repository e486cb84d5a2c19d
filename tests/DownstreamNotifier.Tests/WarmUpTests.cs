using Coordination.Hosting.Data;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Email;
using DownstreamNotifier.Links;
using DownstreamNotifier.Tests.Support;
using DownstreamNotifier.WarmUp;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace DownstreamNotifier.Tests;

/// <summary>The warm-up at startup: it must run the real paths and leave nothing behind, in the mail or the database.</summary>
public sealed class WarmUpTests(ITestOutputHelper output)
{
    [Fact]
    public void Notices_of_every_mode_are_composed_with_the_embedded_keys_and_sent_to_the_warm_ups_own_discarding_server()
    {
        var options = Options.Create(new NotifierOptions { LinkKey = Convert.ToBase64String(new byte[32]), PublicBaseUrl = "http://notifier.test" });
        var composer = new NoticeComposer(Options.Create(new SmtpOptions { From = "security@coordination.test" }), options, new NoticeLinks(options));

        // Throws if a key is not embedded or not usable (Compose would refuse it), or the discarding server does not
        // speak SMTP as MailKit expects, which the service would only log.
        var (elapsed, sent) = NoticeWarmUp.Run(composer);

        // Four notices once, then in rounds of 40 each until the JIT is quiet.
        var rounds = (sent - 4) / (4 * 40);
        Assert.True(sent > 4 && (sent - 4) % (4 * 40) == 0 && rounds <= NoticeWarmUp.MaxRounds, $"{sent} notices sent");
        output.WriteLine($"warm-up: {sent} notices in {rounds} rounds, {elapsed.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task The_database_warm_up_claims_its_made_up_notices_and_rolls_everything_back()
    {
        await using var h = await NotifierHarness.StartAsync();
        await h.KillServiceAsync();
        DapperSetup.Configure(); // as the service does at startup: snake_case columns
        await using var dataSource = new PostgresOptions { ConnectionString = h.Isolation.ConnectionString }.CreateDataSource(DownstreamNotifierExtensions.Service.Schema);
        var before = await RowCountsAsync(h);

        var claimed = await DatabaseWarmUp.RunAsync(dataSource, maxDepth: 3, CancellationToken.None);

        Assert.Equal(4, claimed);
        Assert.Equal(before, await RowCountsAsync(h));
    }

    [Fact]
    public async Task The_publishing_warm_up_goes_through_the_outbox_and_the_broker_at_startup()
    {
        await using var h = await NotifierHarness.StartAsync();
        // Every notifier started on this broker publishes one (other test classes run alongside): which process did is
        // in the envelope. A temporary endpoint: its queue goes with it.
        var received = new System.Collections.Concurrent.ConcurrentQueue<(int? ProcessId, PublishPathWarmUp Message)>();
        var probe = h.Bus.ConnectReceiveEndpoint(e => e.Handler<PublishPathWarmUp>(context =>
        {
            received.Enqueue((context.Host?.ProcessId, context.Message));
            return Task.CompletedTask;
        }));
        await probe.Ready;
        await h.KillServiceAsync();
        var restartedAt = DateTimeOffset.UtcNow;

        await h.StartServiceAsync();

        PublishPathWarmUp? warmUp = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); warmUp is null && DateTime.UtcNow < deadline; await Task.Delay(100))
            warmUp = received.FirstOrDefault(r => r.ProcessId == h.Service.ProcessId && r.Message.At >= restartedAt).Message;
        // (The envelope names the process that dispatched the message: the killed process's own warm-up, written to the
        // outbox but not yet sent, is sent by the restarted one; hence the time too.)
        Assert.NotNull(warmUp);
        Assert.InRange(warmUp.At, restartedAt, DateTimeOffset.UtcNow);
        await probe.StopAsync();
    }

    private static async Task<string> RowCountsAsync(NotifierHarness h)
    {
        await using var conn = new NpgsqlConnection(h.Isolation.ConnectionString);
        await conn.OpenAsync();
        var counts = new List<string>();
        foreach (var table in new[] { "notifications", "notices", "notice_acceptances", "case_embargoes" })
        {
            await using var cmd = new NpgsqlCommand($"SELECT count(*) FROM notifier.{table}", conn);
            counts.Add($"{table} {await cmd.ExecuteScalarAsync()}");
        }
        return string.Join(", ", counts);
    }
}
