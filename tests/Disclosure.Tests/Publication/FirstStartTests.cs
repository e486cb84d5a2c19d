using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using Disclosure.Tests.Support;
using MailSink;
using MassTransit;

namespace Disclosure.Tests.Publication;

/// <summary>
/// The service started for the first time on a broker after a case's draft was published (its deployment failed, say):
/// no queue of it was bound then, so the broker dropped the draft. At the instant it asks intake for the draft again.
/// </summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task A_draft_published_before_the_service_ever_started_is_asked_for_again_and_the_advisory_is_published()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        await sink.StartAsync();
        var caseId = Guid.NewGuid();
        var draft = new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.MultiPackage, Guid.NewGuid(), DateTimeOffset.UtcNow);

        // Intake, as far as this test needs it: it answers ResendDraft by publishing the draft again.
        var e = isolation.Endpoints;
        var intake = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(e.RabbitHost, (ushort)e.RabbitPort, isolation.VirtualHost, h =>
            {
                h.Username(e.RabbitUser);
                h.Password(e.RabbitPassword);
            });
            cfg.ReceiveEndpoint(Queues.Intake, r => r.Handler<ResendDraft>(async ctx =>
            {
                if (ctx.Message.CaseId == caseId && ctx.Message.Revision <= draft.Revision) await ctx.Publish(draft);
            }));
        });
        await intake.StartAsync();
        try
        {
            await using var bus = await TestBus.StartAsync(isolation);
            await bus.Publish(draft); // no queue of the disclosure service exists yet: dropped
            await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
            await service.WaitUntilReadyAsync();

            await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());

            var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null),
                "AdvisoryPublished", TimeSpan.FromSeconds(60));
            Assert.Equal(caseId, published.CaseId);
            Assert.Equal(1, published.Revision);
            Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await intake.StopAsync();
        }
    }
}
