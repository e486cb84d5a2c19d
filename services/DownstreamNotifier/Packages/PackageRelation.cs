namespace DownstreamNotifier.Packages;

/// <summary>How a project relates to a package: it depends on it, or it ships (is) it.</summary>
public static class PackageRelation
{
    public const string Depends = "depends";
    public const string Ships = "ships";
}
