namespace Intake.Members;

/// <summary>A team member's row. RemovedAt is set once the member has left (the row stays for the audit log).</summary>
public sealed record Member(
    Guid Id,
    string Name,
    string Email,
    string PublicHandle,
    string Role,
    DateTimeOffset JoinedAt,
    DateTimeOffset? RemovedAt = null,
    Guid? RemovedBy = null,
    string? RemovalReason = null);
