using Coordination.Contracts.Advisories;

namespace Intake.Cases;

public sealed record OpenCaseRequest(IReadOnlyList<Guid>? ReportIds, Guid? CoordinatorId);

public sealed record MergeReportsRequest(IReadOnlyList<Guid>? ReportIds);

public sealed record AssignCoordinatorRequest(Guid? MemberId);

/// <summary>Revision is the one the edit was based on; a stale one is refused with 409.</summary>
public sealed record DraftEditRequest(int? Revision, AdvisoryDraft? Draft);

public sealed record AddCreditRequest(int? Revision, string? Name, string? Contact, IReadOnlyList<string>? Types);

public sealed record EmbargoRequest(DateTimeOffset? DisclosureAt, IReadOnlyList<string>? Channels);

public sealed record WithdrawRequest(string? Reason);
