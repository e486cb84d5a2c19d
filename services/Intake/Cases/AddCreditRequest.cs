namespace Intake.Cases;

public sealed record AddCreditRequest(int? Revision, string? Name, string? Contact, IReadOnlyList<string>? Types);
