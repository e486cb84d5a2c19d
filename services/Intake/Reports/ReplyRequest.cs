namespace Intake.Reports;

public sealed record ReplyRequest(string? Body);
