using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;

namespace DownstreamNotifier.Tests;

public sealed class ResendRuleTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

    private static FailedNotice Notice(string kind, DateTimeOffset? disclosureAt = null, bool deleted = false) =>
        new() { Kind = kind, DisclosureAt = disclosureAt ?? Instant, ContactDeleted = deleted };

    private static CaseEmbargo Embargo(string? ended = null) => new(Instant, ["default"], ended, ended is null ? null : Instant);

    private static readonly Recipient Contact = new(Guid.NewGuid(), "Sec", "sec@distro.test", Guid.NewGuid(), "Distro", [], ["Distro → depends on x"],
        false, null, null, null);

    private static readonly DateTimeOffset Before = Instant.AddDays(-1);

    private static string? WhyNot(FailedNotice n, CaseEmbargo? e, bool acknowledged = false, Recipient? r = null, DateTimeOffset? now = null) =>
        ResendRule.WhyNot(n, e, r ?? Contact, acknowledged, now ?? Before);

    [Theory]
    [InlineData(NoticeKinds.Embargoed)]
    [InlineData(NoticeKinds.Reminder)]
    [InlineData(NoticeKinds.Extended)]
    public void While_the_embargo_runs_its_notices_for_the_current_instant_go_again(string kind) =>
        Assert.Null(WhyNot(Notice(kind), Embargo()));

    [Theory]
    [InlineData(CaseEmbargo.Broken, NoticeKinds.Broken)]
    [InlineData(CaseEmbargo.Public, NoticeKinds.NowPublic)]
    [InlineData(CaseEmbargo.Withdrawn, NoticeKinds.Withdrawn)]
    public void Once_the_embargo_ended_only_the_notice_that_ended_it_goes_again(string ended, string kind)
    {
        Assert.Null(WhyNot(Notice(kind), Embargo(ended), acknowledged: true, now: Instant.AddDays(1)));
        foreach (var other in NoticeKinds.All.Where(k => k != kind))
            Assert.Contains($"the embargo has ended ({ended})", WhyNot(Notice(other), Embargo(ended)));
    }

    [Fact]
    public void A_notice_of_an_instant_since_moved_stays_failed()
    {
        var reason = WhyNot(Notice(NoticeKinds.Embargoed, Instant.AddDays(-3)), Embargo());
        Assert.Equal("out of date: the disclosure instant has moved to 2026-12-01 14:00Z since this notice's round", reason);
    }

    [Fact]
    public void A_reminder_does_not_go_again_to_a_contact_who_has_acknowledged_but_the_embargo_notice_does()
    {
        Assert.Contains("acknowledged", WhyNot(Notice(NoticeKinds.Reminder), Embargo(), acknowledged: true));
        Assert.Contains("excluded", WhyNot(Notice(NoticeKinds.Reminder), Embargo(), r: Contact with { Excluded = true }));
        Assert.Null(WhyNot(Notice(NoticeKinds.Embargoed), Embargo(), acknowledged: true));
    }

    [Fact]
    public void A_deleted_contact_or_a_case_without_an_embargo_gets_nothing()
    {
        Assert.Equal("the contact was deleted", WhyNot(Notice(NoticeKinds.Embargoed, deleted: true), Embargo()));
        Assert.Equal("the case has no embargo on record", WhyNot(Notice(NoticeKinds.Embargoed), null));
        Assert.Contains("while the embargo runs", WhyNot(Notice(NoticeKinds.NowPublic), Embargo()));
    }

    [Fact]
    public void A_contact_no_longer_among_the_recipients_or_a_passed_instant_gets_nothing()
    {
        Assert.StartsWith("no longer a recipient", ResendRule.WhyNot(Notice(NoticeKinds.Embargoed), Embargo(), null, false, Before));
        Assert.Equal("out of date: the disclosure instant has passed", WhyNot(Notice(NoticeKinds.Embargoed), Embargo(), now: Instant));
    }
}
