namespace Coordination.Hosting.Auth;

public sealed record WhoAmIResponse(Guid MemberId, string Name, string Role, string Service);
