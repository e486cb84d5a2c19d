namespace Intake.Governance;

/// <summary>PUT /nominations/{id}/vote: "yes", "no" or "abstain".</summary>
public sealed record VoteRequest(string? Choice);
