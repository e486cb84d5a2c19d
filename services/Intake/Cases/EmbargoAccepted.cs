namespace Intake.Cases;

public sealed record EmbargoAccepted(Guid CaseId, DateTimeOffset DisclosureAt, IReadOnlyList<string> Channels);
