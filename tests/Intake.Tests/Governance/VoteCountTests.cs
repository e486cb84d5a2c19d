using Intake.Governance;

namespace Intake.Tests.Governance;

public sealed class VoteCountTests
{
    private static VoteDecision Decide(int yes, int no, int abstain, int members) =>
        VoteCount.Decide(new VoteTally(yes, no, abstain), members, VoteRule.Pep811);

    [Fact]
    public void Six_yes_three_no_is_exactly_two_thirds_and_accepted() => Assert.True(Decide(6, 3, 0, 9).Accepted);

    [Fact]
    public void Five_yes_three_no_is_short_of_two_thirds_and_rejected()
    {
        var d = Decide(5, 3, 0, 9);
        Assert.False(d.Accepted);
        Assert.True(d.QuorumMet);
        Assert.False(d.ApprovalMet);
    }

    [Theory]
    [InlineData(2, 1, true)]
    [InlineData(1, 1, false)]
    [InlineData(10, 5, true)]
    [InlineData(9, 5, false)]
    [InlineData(1, 0, true)]
    public void Two_thirds_of_votes_cast_is_the_line(int yes, int no, bool accepted) =>
        Assert.Equal(accepted, Decide(yes, no, 0, yes + no).Accepted);

    [Fact]
    public void Abstentions_are_not_votes_cast()
    {
        Assert.True(Decide(2, 1, 6, 9).Accepted);
        Assert.False(Decide(0, 0, 5, 9).Accepted);
    }

    [Fact]
    public void Abstentions_count_towards_the_quorum()
    {
        Assert.False(Decide(4, 0, 0, 9).QuorumMet);
        Assert.True(Decide(4, 0, 1, 9).QuorumMet);
        Assert.True(Decide(4, 0, 1, 9).Accepted);
    }

    [Theory]
    [InlineData(9, 0.5, 5)]
    [InlineData(10, 0.5, 5)]
    [InlineData(3, 0.5, 2)]
    [InlineData(10, 0.7, 7)]
    [InlineData(0, 0.5, 0)]
    public void Quorum_is_the_fraction_of_members_rounded_up(int members, double fraction, int required) =>
        Assert.Equal(required, VoteCount.QuorumRequired(members, fraction));

    [Fact]
    public void No_votes_at_all_is_rejected_even_without_members() => Assert.False(Decide(0, 0, 0, 0).Accepted);

    [Fact]
    public void A_configured_rule_changes_the_line()
    {
        var simpleMajority = new VoteRule(0.25, 1, 2);
        Assert.True(VoteCount.Decide(new VoteTally(3, 3, 0), 20, simpleMajority).Accepted);
        Assert.False(VoteCount.Decide(new VoteTally(3, 3, 0), 40, simpleMajority).Accepted);
    }
}
