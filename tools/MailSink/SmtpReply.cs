namespace MailSink;

/// <summary>An SMTP reply the sink gives instead of accepting a recipient (4xx temporary, 5xx permanent).</summary>
public sealed record SmtpReply(int Code, string Text);
