namespace Intake.Validation;

/// <summary>Field → rules broken, in the shape TypedResults.ValidationProblem takes.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> errors = new();

    public void Add(string field, string rule)
    {
        if (!errors.TryGetValue(field, out var list)) errors[field] = list = [];
        list.Add(rule);
    }

    public bool IsEmpty => errors.Count == 0;

    public Dictionary<string, string[]> ToDictionary() => errors.ToDictionary(e => e.Key, e => e.Value.ToArray());
}
