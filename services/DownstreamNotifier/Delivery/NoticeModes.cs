namespace DownstreamNotifier.Delivery;

/// <summary>How a notice reaches its contact: encrypted to their key, plain, or (encryption required, no key) only a link.</summary>
public static class NoticeModes
{
    public const string Encrypted = "encrypted";
    public const string Plain = "plain";
    public const string LinkOnly = "link_only";
}
