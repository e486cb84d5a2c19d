namespace DownstreamNotifier.Links;

/// <summary>What a token says, once its HMAC verified. <see cref="ExpiresAt"/> is the expiry it was issued with; the link
/// API moves it with the disclosure as it stands.</summary>
public sealed record LinkCheck(bool Valid, Guid CaseId, Guid ContactId, DateTimeOffset ExpiresAt)
{
    public static readonly LinkCheck Invalid = new(false, Guid.Empty, Guid.Empty, default);
}
