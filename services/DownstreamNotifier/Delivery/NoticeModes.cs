namespace DownstreamNotifier.Delivery;

/// <summary>
/// How a notice reaches its contact: encrypted to their key, plain, or (encryption required, no key) only a link; or,
/// to a contact told before a member excluded its project, the new schedule and none of the case's details (encrypted
/// when the contact has a key). Chosen when the round is recorded; the sender encrypts any notice to a contact that
/// holds a usable key by then (see NoticeComposer.Compose).
/// </summary>
public static class NoticeModes
{
    public const string Encrypted = "encrypted";
    public const string Plain = "plain";
    public const string LinkOnly = "link_only";
    public const string ScheduleOnly = "schedule_only";

    /// <summary>
    /// The mode of a notice to <paramref name="r"/> recorded at <paramref name="now"/>. A key already expired gives
    /// link-only (never plain: the contact asked for encryption), as the sender would fall back to at sending time.
    /// </summary>
    public static string For(Recipients.Recipient r, bool requiresEncryption, DateTimeOffset now) =>
        r.Excluded ? ScheduleOnly
        : r.HasKey && r.KeyExpiresAt is { } expires && expires <= now ? LinkOnly
        : r.HasKey ? Encrypted
        : requiresEncryption ? LinkOnly : Plain;

    /// <summary>The mode of a notice to <paramref name="r"/> in a case with <paramref name="caseChannels"/>: encryption is
    /// required when one of the project's or the case's channels requires it.</summary>
    public static string For(Recipients.Recipient r, NotifierOptions o, IEnumerable<string> caseChannels, DateTimeOffset now) =>
        For(r, o.RequiresEncryption(r.ProjectChannels.Concat(caseChannels)), now);

    /// <summary>Whether a notice in this mode carries the case's details in the mail itself.</summary>
    public static bool CarriesDetails(string mode) => mode is Encrypted or Plain;
}
