namespace DownstreamNotifier.Registry;

public sealed record ContactResponse(Guid Id, Guid ProjectId, string Name, string Email, string? Role, string? TimeZone, ContactKeyResponse? Key);
