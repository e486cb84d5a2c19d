namespace Coordination.Contracts.Advisories;

/// <summary>A person credited; no account needed. Types are names from <see cref="CreditTypes"/>.</summary>
public sealed record Credit(string Name, IReadOnlyList<string> Types, string? Contact = null);
