namespace DownstreamNotifier;

/// <summary>Settings of one channel: "Notifier:Channels:{name}:*".</summary>
public sealed class ChannelOptions
{
    /// <summary>Keyless contacts in this channel get a notice with no embargoed details, only the link.</summary>
    public bool RequireEncryption { get; set; }
}
