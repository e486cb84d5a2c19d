namespace EmbargoScheduler.Policy;

/// <summary>Whether a request is within policy; when not, the request field at fault and the reason.</summary>
public sealed record PolicyDecision(bool Allowed, string? Field = null, string? Reason = null)
{
    public static readonly PolicyDecision Allow = new(true);

    public static PolicyDecision Refuse(string field, string reason) => new(false, field, reason);
}
