namespace Intake.Governance;

/// <summary>POST /nominations/{id}/onboarding: the role the new member starts with (default "member").</summary>
public sealed record OnboardingRequest(string? Role);
