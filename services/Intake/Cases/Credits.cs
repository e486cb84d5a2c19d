using Coordination.Contracts.Advisories;
using Intake.Validation;

namespace Intake.Cases;

/// <summary>A draft's credits: one entry per person, whoever adds them (a member, a reporter's wish).</summary>
public static class Credits
{
    /// <summary>
    /// The credits with one more: a person credited already (same name, any case) gains the new types, and the contact
    /// if they had none, in their one entry; null when that changes nothing.
    /// </summary>
    public static IReadOnlyList<Credit>? With(IReadOnlyList<Credit> credits, Credit added)
    {
        var same = credits.FirstOrDefault(x => string.Equals(x.Name, added.Name, StringComparison.OrdinalIgnoreCase));
        if (same is null) return [.. credits, added];
        var merged = same with { Types = same.Types.Union(added.Types).ToList(), Contact = same.Contact ?? added.Contact };
        if (merged.Types.Count == same.Types.Count && merged.Contact == same.Contact) return null;
        return credits.Select(x => ReferenceEquals(x, same) ? merged : x).ToList();
    }

    /// <summary>
    /// Null while the credits are within a draft's limit; else the 400's errors on <paramref name="field"/>. Refused, not
    /// stored: every later edit of the draft would be refused for them.
    /// </summary>
    public static Dictionary<string, string[]>? Refusal(IReadOnlyList<Credit> credits, string field, string what, string instead) =>
        credits.Count <= DraftValidator.MaxItems ? null : new()
        {
            [field] = [$"{what} would give the draft {credits.Count} credits, at most {DraftValidator.MaxItems}: {instead}"],
        };
}
