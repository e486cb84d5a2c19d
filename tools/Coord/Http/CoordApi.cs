using Coord.Config;

namespace Coord.Http;

/// <summary>The four services, each with the member token.</summary>
public sealed class CoordApi(CoordSettings settings, HttpMessageHandler? handler = null)
{
    public ServiceClient Intake { get; } = new("intake", settings.IntakeUrl, settings.Token, handler);
    public ServiceClient Embargo { get; } = new("embargo-scheduler", settings.EmbargoUrl, settings.Token, handler);
    public ServiceClient Notifier { get; } = new("downstream-notifier", settings.NotifierUrl, settings.Token, handler);
    public ServiceClient Disclosure { get; } = new("disclosure", settings.DisclosureUrl, settings.Token, handler);

    public IReadOnlyList<ServiceClient> All => [Intake, Embargo, Notifier, Disclosure];
}
