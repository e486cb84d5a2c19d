namespace Intake.Governance;

/// <summary>A member with no case action since the report's start; LastCaseActionAt is null when there was none ever.</summary>
public sealed record InactiveMember(Guid Id, string Name, string PublicHandle, string Role, DateTimeOffset JoinedAt, DateTimeOffset? LastCaseActionAt);
