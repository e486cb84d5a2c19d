namespace DownstreamNotifier.Registry;

/// <summary>
/// One CSV line: a contact and its project. packages and channels are space-separated; a package prefixed
/// "ships:" is one the project ships, any other one it depends on.
/// </summary>
public sealed class CsvContactRow
{
    public string? Project { get; set; }
    public string? Ecosystem { get; set; }
    public string? Homepage { get; set; }
    public string? Packages { get; set; }
    public string? Channels { get; set; }
    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Role { get; set; }
    public string? TimeZone { get; set; }
    public string? PublicKey { get; set; }
}
