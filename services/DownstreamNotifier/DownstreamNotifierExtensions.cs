using Coordination.Hosting;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Apis;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Email;
using DownstreamNotifier.Links;
using MassTransit;
using Microsoft.Extensions.Options;

namespace DownstreamNotifier;

/// <summary>All registrations of the downstream-notifier service.</summary>
public static class DownstreamNotifierExtensions
{
    public static readonly ServiceInfo Service = new("downstream-notifier", "notifier");

    /// <summary>
    /// BouncyCastle re-runs Miller-Rabin on an RSA modulus every time a public key becomes key parameters (~58 ms for
    /// RSA-3072): once per distinct contact key when the composer first uses it, minutes for thousands of keys. Keys
    /// are checked once, at upload (OpenPgpKeyInspector), so the re-check is switched off unless the environment sets it.
    /// </summary>
    private const string BouncyCastleMaxMrTests = "Org.BouncyCastle.Rsa.MaxMRTests";

    public static void ConfigureBus(IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<NotifyDownstreamConsumer>().Endpoint(e => e.Name = Queues.DownstreamNotifier);
        bus.AddConsumer<AdvisoryDraftUpdatedConsumer>();
        bus.AddConsumer<EmbargoStartedConsumer>();
    }

    public static WebApplicationBuilder AddDownstreamNotifier(this WebApplicationBuilder builder)
    {
        if (Environment.GetEnvironmentVariable(BouncyCastleMaxMrTests) is null)
            Environment.SetEnvironmentVariable(BouncyCastleMaxMrTests, "0");
        var services = builder.Services;
        services.AddValidatedOptions<NotifierOptions>(NotifierOptions.Section);
        services.AddSingleton<IValidateOptions<NotifierOptions>, NotifierOptionsValidator>();
        services.AddValidatedOptions<SmtpOptions>(SmtpOptions.Section);
        services.AddSingleton<NoticeLinks>();
        services.AddSingleton<NoticeComposer>();
        services.AddSingleton<NoticeSignal>();
        services.AddSingleton<DeliveryDataSource>();
        services.AddSingleton<AcceptanceRecorder>();
        services.AddHostedService<NoticeSender>();
        services.AddHostedService<DeliveryReporter>();
        return builder;
    }

    public static WebApplication MapDownstreamNotifierApis(this WebApplication app)
    {
        app.MapProjectsApi();
        app.MapContactsApi();
        app.MapImportExportApi();
        app.MapCasesApi();
        app.MapNoticeLinksApi();
        return app;
    }
}
