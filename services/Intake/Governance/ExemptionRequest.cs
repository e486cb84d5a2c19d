namespace Intake.Governance;

/// <summary>PUT /team/{id}/exemption: whether the yearly inactivity review skips this member.</summary>
public sealed record ExemptionRequest(bool? Exempt);
