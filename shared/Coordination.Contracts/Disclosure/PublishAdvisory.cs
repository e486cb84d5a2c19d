namespace Coordination.Contracts.Disclosure;

public sealed record PublishAdvisory(Guid CaseId, int Revision);
