using Coordination.Hosting;
using MassTransit;

namespace Intake;

/// <summary>All registrations of the intake service.</summary>
public static class IntakeExtensions
{
    public static readonly ServiceInfo Service = new("intake", "intake");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
    }

    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder)
    {
        return builder;
    }

    public static WebApplication MapIntakeApis(this WebApplication app)
    {
        return app;
    }
}
