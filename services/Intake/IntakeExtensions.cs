using Microsoft.Extensions.Options;
using Coordination.Hosting.Mail;
using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Intake.Apis;
using Intake.Consumers;
using Intake.Governance;
using Intake.Imap;
using Intake.Members;
using MassTransit;

namespace Intake;

/// <summary>All registrations of the intake service.</summary>
public static class IntakeExtensions
{
    public static readonly ServiceInfo Service = new("intake", "intake");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        // The case timeline records what the other services did with the case.
        bus.AddConsumer<EmbargoStartedConsumer>();
        bus.AddConsumer<EmbargoRequestRefusedConsumer>();
        bus.AddConsumer<EmbargoExtendedConsumer>();
        bus.AddConsumer<EmbargoBrokenConsumer>();
        bus.AddConsumer<CaseWithdrawnConsumer>();
        bus.AddConsumer<AdvisoryPublishedConsumer>();
        bus.AddConsumer<AdvisoryWithdrawnConsumer>();
        bus.AddConsumer<ResendDraftConsumer>().Endpoint(e => e.Name = Queues.Intake); // a command, like CloseVote
        bus.AddConsumer<RevocationsRequestedConsumer>();
        bus.ConfigureGovernanceBus();
    }

    public static WebApplicationBuilder AddIntake(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<TokenIssuer>();
        services.AddHostedService<RevocationsRepublisher>();
        services.AddValidatedOptions<IntakeOptions>(IntakeOptions.Section);
        services.AddIntakeRequestLimits();
        // The draft edit wraps the draft ({"revision", "draft"}); its validator names the fields inside without "draft.".
        services.Configure<Coordination.Hosting.Http.BadRequestFieldNames>(o => o.UnwrappedPrefixes.Add("draft."));
        services.AddValidatedOptions<ImapOptions>(ImapOptions.Section);
        // Mail out is optional here (only acknowledgements of emailed reports): its settings apply once Smtp:Host is set.
        var sendsMail = !string.IsNullOrWhiteSpace(builder.Configuration[$"{SmtpOptions.Section}:Host"]);
        if (sendsMail) services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        services.AddSingleton(sp => new ReportAcknowledger(
            sendsMail ? sp.GetRequiredService<IOptions<SmtpOptions>>().Value : null, sp.GetRequiredService<IOptions<IntakeOptions>>().Value));
        services.AddSingleton<ImapPoller>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapPoller>());
        services.AddGovernance();
        return builder;
    }

    public static WebApplication MapIntakeApis(this WebApplication app)
    {
        app.UseIntakeRequestLimits();
        app.MapMembersApi();
        app.MapReportsApi();
        app.MapCasesApi();
        app.MapDraftApi();
        app.MapCaseActionsApi();
        app.MapGovernanceApis();
        return app;
    }
}
