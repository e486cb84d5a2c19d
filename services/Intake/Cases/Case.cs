namespace Intake.Cases;

/// <summary>A case's row; the draft itself is loaded separately (it is embargoed content).</summary>
public sealed record Case(Guid Id, string Status, Guid CoordinatorId, Guid OpenedBy, DateTimeOffset OpenedAt, int DraftRevision);
