namespace Intake.Apis;

/// <summary>Endpoint metadata: the body of this endpoint is limited to IntakeOptions.MaxReportBodyBytes.</summary>
public sealed class ReportBodyLimit;
