namespace Intake.Governance;

/// <summary>A recorded reason: a veto, a removal, or (optional) a departure.</summary>
public sealed record ReasonRequest(string? Reason);
