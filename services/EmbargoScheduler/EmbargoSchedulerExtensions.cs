using Coordination.Hosting;
using MassTransit;

namespace EmbargoScheduler;

/// <summary>All registrations of the embargo-scheduler service.</summary>
public static class EmbargoSchedulerExtensions
{
    public static readonly ServiceInfo Service = new("embargo-scheduler", "embargo");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
    }

    public static WebApplicationBuilder AddEmbargoScheduler(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapEmbargoSchedulerApis(this WebApplication app)
    {
        return app;
    }
}
