namespace Intake.Governance;

/// <summary>One line of the public member list: nothing private (no email, no id, no token).</summary>
public sealed record TeamEntry(string Name, string PublicHandle, string Role, DateTimeOffset Since);
