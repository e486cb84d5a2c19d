namespace Intake.Cases;

public sealed record EmbargoRequest(DateTimeOffset? DisclosureAt, IReadOnlyList<string>? Channels);
