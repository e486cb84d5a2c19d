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
            failures.Add($"{DisclosureOptions.Section}:Cna:OrgId: is required: the CNA's organisation UUID");
        else if (options.Cna.OrgId == CnaOptions.PlaceholderOrgId)
            failures.Add($"{DisclosureOptions.Section}:Cna:OrgId: {CnaOptions.PlaceholderOrgId} is a placeholder: set the CNA's organisation UUID");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
