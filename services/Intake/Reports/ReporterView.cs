namespace Intake.Reports;

/// <summary>What a reporter sees with their token: status and the team's replies.</summary>
public sealed record ReporterView(Guid Id, string Status, DateTimeOffset ReceivedAt, IReadOnlyList<ReplyView> Replies);
