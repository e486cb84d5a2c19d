using System.Text.Json.Nodes;
using Coord.Commands;

namespace Coord.Tests;

public sealed class StatusSnapshotTests
{
    [Fact]
    public void Counts_notices_by_state_and_acknowledgements_by_recipient()
    {
        var id = Guid.NewGuid();
        var embargo = JsonNode.Parse("""{"state":"Embargoed","startedAt":"2026-11-25T20:00:00Z","disclosureAt":"2026-11-25T20:00:30Z"}""");
        var notices = JsonNode.Parse("""
            {"acknowledged":1,"notices":[
              {"contactId":"a","kind":"Embargoed","state":"sent","acknowledgedAt":"2026-11-25T20:00:10Z"},
              {"contactId":"a","kind":"Reminder","state":"pending","acknowledgedAt":"2026-11-25T20:00:10Z"},
              {"contactId":"b","kind":"Embargoed","state":"deferred"},
              {"contactId":"c","kind":"Embargoed","state":"failed"}]}
            """);
        var s = StatusSnapshot.From(id, embargo, notices);
        Assert.Equal((4, 1, 1, 1, 1, 3, 1), (s.Notices, s.Sent, s.Deferred, s.Failed, s.Pending, s.Recipients, s.Acknowledged));
        var lines = s.Lines(DateTimeOffset.Parse("2026-11-25T20:00:07Z")).ToList();
        Assert.Equal($"case {id}: Embargoed; disclosure 2026-11-25 20:00:30Z, in 0m 23s", lines[0]);
        Assert.Equal("notices: 4 total, 1 sent, 1 deferred, 1 failed, 1 pending", lines[1]);
        Assert.Equal("acknowledged: 1 of 3 recipients", lines[2]);
        Assert.Equal($"failed notices stay failed until resent: fix the cause (address, key, mail server), then `coord resend {id}`", lines[3]);
    }

    [Fact]
    public void The_acknowledged_count_is_the_notifiers_which_takes_a_readdressed_contact_by_its_newest_notice()
    {
        var notices = JsonNode.Parse("""
            {"acknowledged":1,"notices":[
              {"noticeId":1,"contactId":"a","email":"alice@x.test","kind":"Embargoed","state":"sent","acknowledgedAt":"2026-11-25T20:00:10Z"},
              {"noticeId":3,"contactId":"a","email":"bob@x.test","kind":"Reminder","state":"sent"},
              {"noticeId":2,"contactId":"b","email":"carol@x.test","kind":"Embargoed","state":"sent","acknowledgedAt":"2026-11-25T20:00:12Z"}]}
            """);
        var s = StatusSnapshot.From(Guid.NewGuid(), null, notices);
        Assert.Equal((2, 1), (s.Recipients, s.Acknowledged));
    }

    [Fact]
    public void Notices_cancelled_by_a_withdrawal_are_counted_as_such()
    {
        var notices = JsonNode.Parse("""
            {"notices":[
              {"contactId":"a","kind":"Embargoed","state":"sent"},
              {"contactId":"b","kind":"Embargoed","state":"cancelled"},
              {"contactId":"a","kind":"Withdrawn","state":"sent"}]}
            """);
        var s = StatusSnapshot.From(Guid.NewGuid(), null, notices);
        Assert.Equal((3, 2, 1), (s.Notices, s.Sent, s.Cancelled));
        var lines = s.Lines(DateTimeOffset.UtcNow).ToList();
        Assert.Equal("notices: 3 total, 2 sent, 0 deferred, 0 failed, 0 pending, 1 cancelled (the case was withdrawn, or their project excluded, before they went)",
            lines[1]);
        Assert.Equal(3, lines.Count); // nothing failed: no word on resending
    }

    [Fact]
    public void Before_the_scheduler_knows_the_case_the_state_says_so()
    {
        var s = StatusSnapshot.From(Guid.NewGuid(), null, JsonNode.Parse("""{"notices":[]}"""));
        Assert.Equal("no embargo yet", s.State);
        Assert.Equal("no disclosure instant", s.Countdown(DateTimeOffset.UtcNow));
    }
}
