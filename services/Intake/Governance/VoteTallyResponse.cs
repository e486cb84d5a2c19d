namespace Intake.Governance;

/// <summary>The counted votes, visible once the vote has closed.</summary>
public sealed record VoteTallyResponse(int Yes, int No, int Abstain, int EligibleMembers);
