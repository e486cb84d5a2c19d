namespace Intake.Cases;

public sealed record AssignCoordinatorRequest(Guid? MemberId);
