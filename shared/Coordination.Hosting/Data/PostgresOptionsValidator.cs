using Microsoft.Extensions.Options;
using Npgsql;

namespace Coordination.Hosting.Data;

internal sealed class PostgresOptionsValidator : IValidateOptions<PostgresOptions>
{
    public ValidateOptionsResult Validate(string? name, PostgresOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            return ValidateOptionsResult.Fail("Postgres:ConnectionString is required.");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
            return string.IsNullOrEmpty(builder.Host)
                ? ValidateOptionsResult.Fail("Postgres:ConnectionString names no Host.")
                : ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // The message names the offending keyword, never the password.
            return ValidateOptionsResult.Fail($"Postgres:ConnectionString is malformed: {e.Message}");
        }
    }
}
