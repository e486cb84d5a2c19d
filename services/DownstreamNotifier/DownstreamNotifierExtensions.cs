using Coordination.Hosting;
using MassTransit;

namespace DownstreamNotifier;

/// <summary>All registrations of the downstream-notifier service.</summary>
public static class DownstreamNotifierExtensions
{
    public static readonly ServiceInfo Service = new("downstream-notifier", "notifier");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
    }

    public static WebApplicationBuilder AddDownstreamNotifier(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapDownstreamNotifierApis(this WebApplication app)
    {
        return app;
    }
}
