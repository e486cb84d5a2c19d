using System.Collections.Concurrent;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Testing;
using DownstreamNotifier.Tests.Support;
using MassTransit;
using Microsoft.Extensions.Hosting;
using MimeKit;

namespace DownstreamNotifier.Tests;

/// <summary>The draft reaches the notifier on another queue than the rounds: a round waits for the revision it names,
/// and a revision that adds packages during the embargo warns the dependents it adds.</summary>
public sealed class DraftRevisionTests
{
    [Fact]
    public async Task An_Embargoed_round_naming_a_revision_not_here_yet_is_recorded_once_it_arrives_with_its_recipients()
    {
        await using var h = await NotifierHarness.StartAsync();
        await AddPillowAndRequestsUsersAsync(h);
        var caseId = Guid.NewGuid();
        var round = Guid.NewGuid();
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, round, DateTimeOffset.UtcNow.AddDays(7), ["default"], DraftRevision: 2));
        await Task.Delay(1000);
        Assert.False(await RoundExistsAsync(h, round)); // no draft at all yet

        var pillow = NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow");
        await h.PublishDraftAsync(caseId, 1, "Heap overflow in the frobnicator", pillow);
        await Task.Delay(1000);
        Assert.False(await RoundExistsAsync(h, round)); // an older revision than the round names

        await h.PublishDraftAsync(caseId, 2, "Heap overflow in the frobnicator and its client", pillow,
            NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        var sent = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        Assert.Equal(["sec@pillow-user.test", "sec@requests-user.test"], sent.Notices.Select(n => n.Email).Order());
        Assert.All(sent.Notices, n => Assert.Equal(round, n.NotificationId));
    }

    [Fact]
    public async Task A_round_naming_a_draft_never_received_asks_intake_to_publish_it_again()
    {
        // The draft was published before this service's queue existed: the broker dropped it, and nothing would come.
        await using var h = await NotifierHarness.StartAsync();
        using var intake = await ServiceBusHost.StartAsync(h.Isolation, "intake-stand-in",
            x => x.AddConsumer<ResendDraftRecorder>().Endpoint(e => e.Name = Queues.Intake));
        var caseId = Guid.NewGuid();

        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"], DraftRevision: 2));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!ResendDraftRecorder.Received.ContainsKey(caseId) && DateTime.UtcNow < deadline) await Task.Delay(100);
        Assert.True(ResendDraftRecorder.Received.TryGetValue(caseId, out var asked), "no ResendDraft reached intake's queue");
        Assert.Equal(2, asked.Revision);
        await intake.StopAsync();
    }

    private sealed class ResendDraftRecorder : IConsumer<ResendDraft>
    {
        public static readonly ConcurrentDictionary<Guid, ResendDraft> Received = new();

        public Task Consume(ConsumeContext<ResendDraft> context)
        {
            Received[context.Message.CaseId] = context.Message;
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task A_revision_adding_a_package_during_the_embargo_warns_the_new_dependents_and_nobody_twice()
    {
        await using var h = await NotifierHarness.StartAsync();
        await AddPillowAndRequestsUsersAsync(h);
        var caseId = Guid.NewGuid();
        var pillow = NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow");
        await h.PublishDraftAsync(caseId, 1, "Heap overflow in the frobnicator", pillow);
        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), disclosureAt, ["default"], DraftRevision: 1));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);

        await h.PublishDraftAsync(caseId, 2, "Heap overflow in the frobnicator and its client", pillow,
            NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        await h.PublishDraftAsync(caseId, 3, "Heap overflow in the frobnicator and its client", pillow,
            NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests")); // adds nobody
        await Task.Delay(2000);

        var all = await h.WaitForNoticesAsync(caseId, _ => true);
        Assert.Equal(["sec@pillow-user.test", "sec@requests-user.test"], all.Notices.Select(n => n.Email).Order());
        Assert.All(all.Notices, n => Assert.Equal(NoticeKinds.Embargoed, n.Kind));
        var toNew = h.Sink.Messages().Select(f => MimeMessage.Load(f)).Single(m => m.To.Mailboxes.Single().Address == "sec@requests-user.test");
        Assert.Contains("its client", ((TextPart)toNew.Body!).Text);
        Assert.Contains(disclosureAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm"), ((TextPart)toNew.Body!).Text);
        Assert.Equal(2, h.Sink.Messages().Count);
    }

    [Fact]
    public async Task A_revision_does_not_warn_contacts_registered_since_the_embargo_began_through_packages_already_warned_of()
    {
        await using var h = await NotifierHarness.StartAsync();
        await AddPillowAndRequestsUsersAsync(h);
        var caseId = Guid.NewGuid();
        var pillow = NotifierHarness.Affected("PyPI", "Pillow", "pkg:pypi/pillow");
        await h.PublishDraftAsync(caseId, 1, "Heap overflow in the frobnicator", pillow);
        await h.SendAsync(new NotifyDownstream(caseId, NoticeKinds.Embargoed, Guid.NewGuid(), DateTimeOffset.UtcNow.AddDays(7), ["default"], DraftRevision: 1));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 1);
        // Registered during the embargo: a member decides whether they hear of it (POST /cases/{id}/recipients/warn).
        await h.CreateContactAsync(await h.CreateProjectAsync("Late pillow user", ["pkg:pypi/pillow"]), "sec@late-pillow-user.test");

        await h.PublishDraftAsync(caseId, 2, "Heap overflow in the frobnicator (typo fixed)", pillow);
        await Task.Delay(2000);
        Assert.Single(h.Sink.Messages());

        await h.PublishDraftAsync(caseId, 3, "Heap overflow in the frobnicator and its client", pillow,
            NotifierHarness.Affected("PyPI", "requests", "pkg:pypi/requests"));
        await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 2);
        await Task.Delay(1000);
        Assert.Equal(["sec@pillow-user.test", "sec@requests-user.test"], (await h.WaitForNoticesAsync(caseId, _ => true)).Notices.Select(n => n.Email).Order());

        var warned = await h.Http.PostAsync($"cases/{caseId}/recipients/warn", null);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, warned.StatusCode);
        var all = await h.WaitForNoticesAsync(caseId, n => n.Counts["sent"] == 3);
        Assert.Equal(["sec@late-pillow-user.test", "sec@pillow-user.test", "sec@requests-user.test"], all.Notices.Select(n => n.Email).Order());
    }

    private static async Task<bool> RoundExistsAsync(NotifierHarness h, Guid round) =>
        await Db.ScalarAsync<long>(h, "SELECT count(*) FROM notifier.notifications WHERE id = $1", round) > 0;

    /// <summary>One project depending on pillow, one on requests, a contact each.</summary>
    private static async Task AddPillowAndRequestsUsersAsync(NotifierHarness h)
    {
        await h.CreateContactAsync(await h.CreateProjectAsync("Pillow user", ["pkg:pypi/pillow"]), "sec@pillow-user.test");
        await h.CreateContactAsync(await h.CreateProjectAsync("Requests user", ["pkg:pypi/requests"]), "sec@requests-user.test");
    }
}
