namespace Intake.Governance;

/// <summary>The caller's vote as recorded; Changed when it replaced an earlier vote of theirs.</summary>
public sealed record VoteResponse(string Choice, bool Changed);
