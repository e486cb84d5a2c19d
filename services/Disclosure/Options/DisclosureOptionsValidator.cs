using Microsoft.Extensions.Options;

namespace Disclosure.Options;

/// <summary>Rules the annotations cannot state: the OSV id prefix and the CNA org id.</summary>
public sealed class DisclosureOptionsValidator : IValidateOptions<DisclosureOptions>
{
    public ValidateOptionsResult Validate(string? name, DisclosureOptions options)
    {
        var failures = new List<string>();
        if (!OsvIdPrefix.IsValid(options.IdPrefix))
            failures.Add($"{DisclosureOptions.Section}:IdPrefix: must be a registered OSV prefix ({string.Join(", ", OsvIdPrefix.Registered.Take(6))}, ...) or x_ followed by letters, digits, '.', '_' or '-'");
        if (options.Cna.OrgId == Guid.Empty)
            failures.Add($"{DisclosureOptions.Section}:Cna:OrgId: must be the CNA's UUID");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
