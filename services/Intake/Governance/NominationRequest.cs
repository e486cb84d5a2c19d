namespace Intake.Governance;

/// <summary>POST /nominations. Contact is the candidate's email address; it becomes their member email on onboarding.</summary>
public sealed record NominationRequest(string? CandidateName, string? Contact, string? PublicHandle, string? Statement);
