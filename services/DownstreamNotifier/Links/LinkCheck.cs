namespace DownstreamNotifier.Links;

/// <summary>What a token says, once its HMAC verified. <see cref="ExpiresAt"/> is the expiry it was issued with; the link
/// API moves it with the disclosure as it stands. <see cref="LinkGeneration"/> is the contact's link generation it was
/// issued under (0 for a token of the first format, which carries none).</summary>
public sealed record LinkCheck(bool Valid, Guid CaseId, Guid ContactId, int LinkGeneration, DateTimeOffset ExpiresAt)
{
    public static readonly LinkCheck Invalid = new(false, Guid.Empty, Guid.Empty, 0, default);
}
