namespace Intake.Governance;

/// <summary>Governance log lines: ids, roles and counts only.</summary>
public static partial class GovernanceLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Nomination {NominationId} opened; vote closes at {ClosesAt:O}")]
    public static partial void NominationOpened(this ILogger logger, Guid nominationId, DateTimeOffset closesAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vote on nomination {NominationId} vetoed")]
    public static partial void NominationVetoed(this ILogger logger, Guid nominationId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Nomination {NominationId} onboarded as member {MemberId}")]
    public static partial void MemberOnboarded(this ILogger logger, Guid nominationId, Guid memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} left; {TokenCount} token(s) revoked, {CaseCount} case(s) to reassign")]
    public static partial void MemberOffboarded(this ILogger logger, Guid memberId, int tokenCount, int caseCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} now has role {Role}; {TokenCount} token(s) revoked")]
    public static partial void RoleChanged(this ILogger logger, Guid memberId, string role, int tokenCount);
}
