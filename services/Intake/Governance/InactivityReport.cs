namespace Intake.Governance;

public sealed record InactivityReport(DateTimeOffset Since, IReadOnlyList<InactiveMember> Members);
