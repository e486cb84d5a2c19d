namespace Intake.Cases;

public sealed record RevisionResponse(int Revision);
