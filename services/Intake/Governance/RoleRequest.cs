namespace Intake.Governance;

public sealed record RoleRequest(string? Role);
