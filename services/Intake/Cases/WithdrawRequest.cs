namespace Intake.Cases;

public sealed record WithdrawRequest(string? Reason);
