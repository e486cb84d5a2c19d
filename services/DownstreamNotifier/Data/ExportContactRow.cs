namespace DownstreamNotifier.Data;

public sealed class ExportContactRow
{
    public Guid ProjectId { get; init; }
    public string Name { get; init; } = null!;
    public string Email { get; init; } = null!;
    public string? Role { get; init; }
    public string? TimeZone { get; init; }
    public string? PublicKey { get; init; }
}
