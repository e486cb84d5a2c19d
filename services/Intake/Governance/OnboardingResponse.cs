using Intake.Members;

namespace Intake.Governance;

/// <summary>The new member and their first token, shown this once.</summary>
public sealed record OnboardingResponse(MemberResponse Member, IssuedToken Token);
