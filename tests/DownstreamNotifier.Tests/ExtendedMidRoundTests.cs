using System.Globalization;
using Coordination.Contracts.Notices;
using DownstreamNotifier.Tests.Support;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>
/// An Embargoed round is recorded in chunks of 1,000, the case's lock free between them; an extension's Extended round
/// tells only those already warned. The round's notices recorded after it must state the new instant.
/// </summary>
public sealed class ExtendedMidRoundTests
{
    [Fact]
    public async Task Notices_of_an_embargoed_round_recorded_after_an_extension_state_the_new_instant()
    {
        await using var h = await NotifierHarness.StartAsync();
        var contacts = Enumerable.Range(0, 1500).Select(c => new { name = $"C{c}", email = $"c{c}@many.test" }).ToArray();
        (await System.Net.Http.Json.HttpClientJsonExtensions.PostAsJsonAsync(h.Http, "import",
            new[] { new { name = "Many contacts", packages = new[] { "pkg:pypi/requests" }, contacts } })).EnsureSuccessStatusCode();
        var caseId = Guid.NewGuid();
        await h.PublishDraftAsync(caseId, NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        var embargoed = Guid.NewGuid();
        // The round's second chunk fails (as a chunk does when the database goes away) until the extension has been told.
        await Db.ScalarAsync<object>(h, $"""
            CREATE FUNCTION notifier.hold_second_chunk() RETURNS trigger LANGUAGE plpgsql AS $f$
            BEGIN
                IF (SELECT count(*) FROM notifier.notices WHERE notification_id = NEW.notification_id) >= 1000 THEN
                    RAISE EXCEPTION 'second chunk held by the test';
                END IF;
                RETURN NEW;
            END $f$;
            CREATE TRIGGER hold_second_chunk BEFORE INSERT ON notifier.notices FOR EACH ROW
                WHEN (NEW.notification_id = '{embargoed}') EXECUTE FUNCTION notifier.hold_second_chunk();
            """);
        var planned = new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(7).AddHours(14), TimeSpan.Zero);
        var extended = planned.AddDays(7);

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, embargoed, planned, ["default"]));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["total"] >= 1000);
        var extension = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Extended, extension, extended, ["default"]));
        var extensionRecorded = false;
        for (var i = 0; i < 300 && !(extensionRecorded = await Db.ScalarAsync<bool>(h, "SELECT notices_recorded_at IS NOT NULL FROM notifier.notifications WHERE id = $1", extension)); i++)
            await Task.Delay(100);
        Assert.True(extensionRecorded, "the Extended round was not recorded while the Embargoed one was held mid-way");
        await Db.ScalarAsync<object>(h, "DROP TRIGGER hold_second_chunk ON notifier.notices");
        // The rest of the round is recorded when the message comes again: a retry, if one is still due, or this, as its
        // redelivery (kept by the embargo-scheduler's clock, not running here) would come.
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, embargoed, planned, ["default"]));

        await h.WaitForNoticesAsync(caseId, n => n.Notices.Count(x => x.Kind == NoticeKinds.Embargoed) == 1500
                                                 && n.Counts["pending"] + n.Counts["deferred"] == 0, TimeSpan.FromSeconds(150));
        await Task.Delay(1000);
        var last = h.Sink.Messages().Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f))
            .GroupBy(m => m.To.Mailboxes.Single().Address).ToDictionary(g => g.Key, g => g.Last().TextBody);
        Assert.Equal(1500, last.Count);
        var told = $"Disclosure: {extended.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC";
        // Every address heard last of the instant as it stands: by the Extended notice, or by an Embargoed one stating it.
        Assert.All(last, kv => Assert.Contains(told, kv.Value));
    }
}
