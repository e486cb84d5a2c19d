namespace Intake.Governance;

/// <summary>A nomination row: the candidate, the vote's period, and (once closed) its result, veto and onboarding.</summary>
public sealed record Nomination(
    Guid Id,
    string CandidateName,
    string CandidateContact,
    string PublicHandle,
    string Statement,
    Guid NominatedBy,
    DateTimeOffset NominatedAt,
    DateTimeOffset ClosesAt,
    string Status,
    int? YesVotes,
    int? NoVotes,
    int? Abstentions,
    int? EligibleMembers,
    DateTimeOffset? ClosedAt,
    string? VetoReason,
    Guid? VetoedBy,
    DateTimeOffset? VetoedAt,
    Guid? MemberId,
    DateTimeOffset? OnboardedAt);
