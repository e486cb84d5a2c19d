using DownstreamNotifier.Delivery;

namespace DownstreamNotifier.Tests;

public sealed class StalledRoundsTests
{
    private static readonly DateTimeOffset Started = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Overdue = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_round_is_sent_again_once_overdue_then_after_each_further_period_and_given_up_on_once()
    {
        var stalled = new StalledRounds(Overdue, Started);
        var round = Guid.NewGuid();
        var created = Started.AddMinutes(1);

        Assert.Equal((StalledRounds.Verdict.Wait, 0), stalled.Check(round, created, created + Overdue));
        var now = created + Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(round, created, now));
        Assert.Equal((StalledRounds.Verdict.Wait, 0), stalled.Check(round, created, now + Overdue)); // counted from the resend
        for (var resend = 2; resend <= StalledRounds.MaxResends; resend++)
        {
            now += Overdue + TimeSpan.FromSeconds(1);
            Assert.Equal((StalledRounds.Verdict.Resend, resend), stalled.Check(round, created, now));
        }
        now += Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((StalledRounds.Verdict.GiveUp, 0), stalled.Check(round, created, now));
        Assert.Equal((StalledRounds.Verdict.Wait, 0), stalled.Check(round, created, now + 10 * Overdue));
    }

    [Fact]
    public void A_round_older_than_the_process_is_counted_from_the_start_and_a_forgotten_round_from_its_beginning_again()
    {
        var stalled = new StalledRounds(Overdue, Started);
        var round = Guid.NewGuid();
        var created = Started.AddDays(-1); // interrupted by the crash this process started after

        Assert.Equal((StalledRounds.Verdict.Wait, 0), stalled.Check(round, created, Started + Overdue));
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(round, created, Started + Overdue + TimeSpan.FromSeconds(1)));

        stalled.Forget(round);
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(round, created, Started + Overdue + TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public void Rounds_no_longer_open_are_forgotten_and_open_ones_keep_their_count()
    {
        var stalled = new StalledRounds(Overdue, Started);
        var (open, doneElsewhere) = (Guid.NewGuid(), Guid.NewGuid());
        var now = Started + Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(open, Started, now));
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(doneElsewhere, Started, now));

        stalled.KeepOnly(new HashSet<Guid> { open });

        now += Overdue + TimeSpan.FromSeconds(1);
        Assert.Equal((StalledRounds.Verdict.Resend, 2), stalled.Check(open, Started, now));
        Assert.Equal((StalledRounds.Verdict.Resend, 1), stalled.Check(doneElsewhere, Started, now)); // forgotten: from its beginning
    }

    [Fact]
    public void A_stalled_draft_round_s_revision_is_found_again_from_its_id()
    {
        var caseId = Guid.NewGuid();
        Assert.Equal(7, DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 7), 12));
        Assert.Equal(0, DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 0), 3));
        Assert.Null(DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, DownstreamNotifier.Consumers.DraftRoundIds.For(caseId, 13), 12));
        Assert.Null(DownstreamNotifier.Consumers.DraftRoundIds.RevisionOf(caseId, Guid.NewGuid(), 12)); // a member's warning round
    }
}
