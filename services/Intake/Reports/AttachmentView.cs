namespace Intake.Reports;

public sealed record AttachmentView(Guid Id, string? FileName, string ContentType, int Size, string ContentBase64);
