using DownstreamNotifier.Keys;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier;

internal sealed class NotifierOptionsValidator : IValidateOptions<NotifierOptions>
{
    public ValidateOptionsResult Validate(string? name, NotifierOptions options)
    {
        var failures = new List<string>();
        try
        {
            if (options.LinkKeyBytes().Length < 32) failures.Add("Notifier:LinkKey must decode to at least 32 bytes.");
        }
        catch (FormatException)
        {
            failures.Add("Notifier:LinkKey is required and must be base64 (at least 32 bytes).");
        }
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl) // missing: the annotation says so
            && (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https")))
            failures.Add("Notifier:PublicBaseUrl must be an absolute http(s) URL.");
        if (options.RetryMaxDelaySeconds < options.RetryBaseDelaySeconds)
            failures.Add("Notifier:RetryMaxDelaySeconds must not be less than Notifier:RetryBaseDelaySeconds.");
        if (!string.IsNullOrWhiteSpace(options.SigningKey) && !SigningKeyLoader.TryLoad(options.SigningKey, options.SigningKeyPassphrase, out _, out var why))
            failures.Add($"Notifier:SigningKey {why}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
