namespace Intake.Reports;

public sealed record ReplyView(string AuthorName, string Body, DateTimeOffset At);
