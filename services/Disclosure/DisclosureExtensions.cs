using Coordination.Hosting;
using MassTransit;

namespace Disclosure;

/// <summary>All registrations of the disclosure service.</summary>
public static class DisclosureExtensions
{
    public static readonly ServiceInfo Service = new("disclosure", "disclosure");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
    }

    public static WebApplicationBuilder AddDisclosure(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapDisclosureApis(this WebApplication app)
    {
        return app;
    }
}
