using Microsoft.Extensions.Options;

namespace Coordination.Hosting.Auth;

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.SigningKey))
            return ValidateOptionsResult.Fail("Auth:SigningKey is required (base64, at least 32 bytes).");
        try
        {
            return options.KeyBytes().Length >= 32
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Auth:SigningKey must decode to at least 32 bytes.");
        }
        catch (FormatException)
        {
            return ValidateOptionsResult.Fail("Auth:SigningKey is not valid base64.");
        }
    }
}
