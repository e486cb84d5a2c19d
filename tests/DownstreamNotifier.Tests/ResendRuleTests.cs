using Coordination.Contracts.Notices;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;

namespace DownstreamNotifier.Tests;

public sealed class ResendRuleTests
{
    private static readonly DateTimeOffset Instant = new(2026, 12, 1, 14, 0, 0, TimeSpan.Zero);

    private static FailedNotice Notice(string kind, DateTimeOffset? disclosureAt = null, bool deleted = false) =>
        new() { Kind = kind, DisclosureAt = disclosureAt ?? Instant, ContactDeleted = deleted };

    private static CaseEmbargo Embargo(string? ended = null) => new(Instant, ["default"], ended, ended is null ? null : Instant);

    [Theory]
    [InlineData(NoticeKinds.Embargoed)]
    [InlineData(NoticeKinds.Reminder)]
    [InlineData(NoticeKinds.Extended)]
    public void While_the_embargo_runs_its_notices_for_the_current_instant_go_again(string kind) =>
        Assert.Null(ResendRule.WhyNot(Notice(kind), Embargo(), acknowledged: false));

    [Theory]
    [InlineData(CaseEmbargo.Broken, NoticeKinds.Broken)]
    [InlineData(CaseEmbargo.Public, NoticeKinds.NowPublic)]
    [InlineData(CaseEmbargo.Withdrawn, NoticeKinds.Withdrawn)]
    public void Once_the_embargo_ended_only_the_notice_that_ended_it_goes_again(string ended, string kind)
    {
        Assert.Null(ResendRule.WhyNot(Notice(kind), Embargo(ended), acknowledged: true));
        foreach (var other in NoticeKinds.All.Where(k => k != kind))
            Assert.Contains($"the embargo has ended ({ended})", ResendRule.WhyNot(Notice(other), Embargo(ended), acknowledged: false));
    }

    [Fact]
    public void A_notice_of_an_instant_since_moved_stays_failed()
    {
        var reason = ResendRule.WhyNot(Notice(NoticeKinds.Embargoed, Instant.AddDays(-3)), Embargo(), acknowledged: false);
        Assert.Equal("out of date: the disclosure instant has moved to 2026-12-01 14:00Z since this notice's round", reason);
    }

    [Fact]
    public void A_reminder_does_not_go_again_to_a_contact_who_has_acknowledged_but_the_embargo_notice_does()
    {
        Assert.Contains("acknowledged", ResendRule.WhyNot(Notice(NoticeKinds.Reminder), Embargo(), acknowledged: true));
        Assert.Null(ResendRule.WhyNot(Notice(NoticeKinds.Embargoed), Embargo(), acknowledged: true));
    }

    [Fact]
    public void A_deleted_contact_or_a_case_without_an_embargo_gets_nothing()
    {
        Assert.Equal("the contact was deleted", ResendRule.WhyNot(Notice(NoticeKinds.Embargoed, deleted: true), Embargo(), false));
        Assert.Equal("the case has no embargo on record", ResendRule.WhyNot(Notice(NoticeKinds.Embargoed), null, false));
        Assert.Contains("while the embargo runs", ResendRule.WhyNot(Notice(NoticeKinds.NowPublic), Embargo(), false));
    }
}
