namespace DownstreamNotifier.Links;

/// <summary>What a token says, once its HMAC verified.</summary>
public sealed record LinkCheck(bool Valid, bool Expired, Guid CaseId, Guid ContactId, DateTimeOffset ExpiresAt)
{
    public static readonly LinkCheck Invalid = new(false, false, Guid.Empty, Guid.Empty, default);
}
