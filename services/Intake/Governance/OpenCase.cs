namespace Intake.Governance;

/// <summary>A case a departing member coordinates, to be reassigned (PUT /cases/{id}/coordinator).</summary>
public sealed record OpenCase(Guid CaseId, string Status);
