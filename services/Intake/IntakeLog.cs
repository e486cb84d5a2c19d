using Microsoft.Extensions.Logging;

namespace Intake;

/// <summary>Every log line of the service: ids and counts only, never report or draft text.</summary>
public static partial class IntakeLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} added with role {Role}")]
    public static partial void MemberAdded(this ILogger logger, Guid memberId, string role);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member {MemberId} removed; {TokenCount} token(s) revoked")]
    public static partial void MemberRemoved(this ILogger logger, Guid memberId, int tokenCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token {TokenId} issued to member {MemberId}")]
    public static partial void TokenIssued(this ILogger logger, Guid tokenId, Guid memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Token {TokenId} of member {MemberId} revoked")]
    public static partial void TokenRevoked(this ILogger logger, Guid tokenId, Guid memberId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId} received via {Source}")]
    public static partial void ReportReceived(this ILogger logger, Guid reportId, string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId}: a retry with its Idempotency-Key answered as the first request")]
    public static partial void ReportReplayed(this ILogger logger, Guid reportId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId} opened from {ReportCount} report(s)")]
    public static partial void CaseOpened(this ILogger logger, Guid caseId, int reportCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Draft of case {CaseId} now at revision {Revision}")]
    public static partial void DraftUpdated(this ILogger logger, Guid caseId, int revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embargo requested for case {CaseId} with {ChannelCount} channel(s)")]
    public static partial void EmbargoRequested(this ILogger logger, Guid caseId, int channelCount);

    [LoggerMessage(Level = LogLevel.Information, Message = "Withdrawal requested for case {CaseId}")]
    public static partial void WithdrawRequested(this ILogger logger, Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Report {ReportId}: reporter sent its id and token")]
    public static partial void ReportAcknowledged(this ILogger logger, Guid reportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Report {ReportId}: the reply with its id and token was not sent ({ErrorType})")]
    public static partial void ReportAcknowledgementFailed(this ILogger logger, Guid reportId, string errorType);

    [LoggerMessage(Level = LogLevel.Information, Message = "IMAP poll of mailbox took {NewReports} new report(s) from {Messages} message(s)")]
    public static partial void ImapPolled(this ILogger logger, int newReports, int messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "IMAP poll failed ({ErrorType}); retrying in {Seconds}s")]
    public static partial void ImapPollFailed(this ILogger logger, string errorType, int seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail {Uid} could not be read or stored as read ({ErrorType}); kept raw in a report of its own")]
    public static partial void ImapMessageUnreadable(this ILogger logger, uint uid, string errorType);
}
