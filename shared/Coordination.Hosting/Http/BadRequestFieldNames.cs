namespace Coordination.Hosting.Http;

/// <summary>
/// How <see cref="BadRequestExceptionHandler"/> names a field from its JSON path: a request that wraps the object its
/// validator checks (intake's draft edit, {"revision", "draft": {...}}) names the fields inside without the wrapper
/// ("title", not "draft.title"), as the validator does.
/// </summary>
public sealed class BadRequestFieldNames
{
    public List<string> UnwrappedPrefixes { get; } = [];
}
