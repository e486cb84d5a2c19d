namespace DownstreamNotifier.Email;

/// <summary>A contact's key cannot be used; the message names the problem, never the notice's content.</summary>
public sealed class NoticeKeyException(string message) : Exception(message);
