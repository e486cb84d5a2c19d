using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Intake.Apis;
using MassTransit;

namespace Intake.Governance;

/// <summary>Registrations of PEP 811 governance inside the intake service.</summary>
public static class GovernanceRegistration
{
    public static void ConfigureGovernanceBus(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<CloseVoteConsumer>().Endpoint(e => e.Name = Queues.Intake);

    public static IServiceCollection AddGovernance(this IServiceCollection services)
    {
        services.AddValidatedOptions<GovernanceOptions>(GovernanceOptions.Section);
        services.AddSingleton<AdminMinimum>();
        services.AddSingleton<VoteCloser>();
        return services;
    }

    public static IEndpointRouteBuilder MapGovernanceApis(this IEndpointRouteBuilder app)
    {
        app.MapTeamApi();
        app.MapNominationsApi();
        return app;
    }
}
