using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Mail;
using Disclosure.Announcements;
using Disclosure.Apis;
using Disclosure.Consumers;
using Disclosure.Options;
using Disclosure.Publishing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Disclosure;

/// <summary>All registrations of the disclosure service.</summary>
public static class DisclosureExtensions
{
    public static readonly ServiceInfo Service = new("disclosure", "disclosure");

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        // The command (PublishAdvisory) and the draft events share the service's queue, so a case's messages wait in one
        // place; every consumer takes the case lock in its transaction. Members withdraw a public advisory over HTTP
        // (POST /cases/{id}/advisory/withdraw); no bus command does it.
        bus.AddConsumer<PublishAdvisoryConsumer>().Endpoint(e => e.Name = Queues.Disclosure);
        bus.AddConsumer<AdvisoryDraftUpdatedConsumer>().Endpoint(e => e.Name = Queues.Disclosure);
    }

    public static WebApplicationBuilder AddDisclosure(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<DisclosureOptions>(DisclosureOptions.Section);
        services.AddSingleton<IValidateOptions<DisclosureOptions>, DisclosureOptionsValidator>();
        services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        services.AddSingleton<MetadataFactory>();
        services.AddSingleton<AdvisoryPublisher>();
        services.AddHostedService<AnnouncementSender>();
        return builder;
    }

    public static WebApplication MapDisclosureApis(this WebApplication app)
    {
        app.MapAdvisoryFeedApi();
        app.MapAdvisoriesApi();
        app.MapPreviewApi();
        app.MapWithdrawalApi();
        return app;
    }
}
