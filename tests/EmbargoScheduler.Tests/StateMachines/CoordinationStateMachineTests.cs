using Coordination.Contracts.Advisories;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using EmbargoScheduler.Policy;
using EmbargoScheduler.StateMachines;
using MassTransit;
using MassTransit.Scheduling;

namespace EmbargoScheduler.Tests.StateMachines;

public sealed class CoordinationStateMachineTests
{
    private static readonly DateTimeOffset T0 = CoordinationHarness.Start;
    private static readonly Guid Member = Guid.NewGuid();

    private static async Task<Guid> Embargoed(CoordinationHarness h, DateTimeOffset disclosureAt, params string[] channels)
    {
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new CaseOpened(caseId, Member, [], T0));
        await h.InState(caseId, m => m.Triaged);
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, disclosureAt, channels.Length > 0 ? channels : ["default"], Member, T0));
        await h.InState(caseId, m => m.Embargoed);
        return caseId;
    }

    private static List<ScheduleMessage> Scheduled<T>(CoordinationHarness h, Guid caseId) where T : class =>
        h.Harness.Sent.Select<ScheduleMessage>().Select(m => m.Context.Message)
            .Where(m => m.Payload is T && CaseOf(m.Payload) == caseId).ToList();

    private static Guid CaseOf(object payload) => payload switch
    {
        DisclosureDue d => d.CaseId,
        ReminderDue r => r.CaseId,
        PublishAdvisory p => p.CaseId,
        _ => Guid.Empty,
    };

    private static List<NotifyDownstream> Notices(CoordinationHarness h, Guid caseId, string kind) =>
        h.Harness.Sent.Select<NotifyDownstream>().Select(m => m.Context.Message).Where(m => m.CaseId == caseId && m.Kind == kind).ToList();

    private static async Task<NotifyDownstream> Notice(CoordinationHarness h, Guid caseId, string kind)
    {
        Assert.True(await h.Harness.Sent.Any<NotifyDownstream>(m => m.Context.Message.CaseId == caseId && m.Context.Message.Kind == kind), $"no {kind} notice");
        return Notices(h, caseId, kind).Single();
    }

    [Fact]
    public async Task Starting_an_embargo_notifies_downstream_schedules_disclosure_and_both_reminders_and_announces_it()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure, "default");

        var notice = await Notice(h, caseId, NoticeKinds.Embargoed);
        Assert.Equal(disclosure, notice.DisclosureAt);
        Assert.Equal(["default"], notice.Channels);
        Assert.NotEqual(Guid.Empty, notice.NotificationId);
        Assert.True(await h.Harness.Sent.Any<NotifyDownstream>(m => m.Context.DestinationAddress!.AbsolutePath.EndsWith("downstream-notifier")));

        var disclosureDue = Assert.Single(Scheduled<DisclosureDue>(h, caseId));
        Assert.Equal(disclosure.UtcDateTime, disclosureDue.ScheduledTime);
        var reminder = Assert.Single(Scheduled<ReminderDue>(h, caseId));
        Assert.Equal(disclosure.AddHours(-72).UtcDateTime, reminder.ScheduledTime);

        Assert.True(await h.Harness.Published.Any<EmbargoStarted>(m => m.Context.Message.CaseId == caseId && m.Context.Message.DisclosureAt == disclosure));
        var saga = h.Instance(caseId)!;
        Assert.Equal(disclosureDue.CorrelationId, saga.DisclosureTokenId);
        Assert.Equal(reminder.CorrelationId, saga.ReminderTokenId);

        // The publication command waits in the clock for the instant, addressed to the disclosure service.
        var publication = Assert.Single(Scheduled<PublishAdvisory>(h, caseId));
        Assert.Equal(disclosure.UtcDateTime, publication.ScheduledTime);
        Assert.EndsWith("/disclosure", publication.Destination.ToString().Replace("exchange:", "/"));
        Assert.Equal(0, ((PublishAdvisory)publication.Payload).Revision);
        Assert.Equal(publication.CorrelationId, saga.PublicationTokenId);
    }

    [Fact]
    public async Task The_notices_name_the_latest_draft_revision_the_saga_has_seen()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        foreach (var revision in new[] { 2, 3, 1 })
            await h.Harness.Bus.Publish(new AdvisoryDraftUpdated(caseId, revision, Draft(), Member, T0));
        await WaitUntil(() => h.Harness.Consumed.Select<AdvisoryDraftUpdated>().Count() == 3 && h.Instance(caseId)?.LatestRevision == 3);
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(10), ["default"], Member, T0));
        await h.InState(caseId, m => m.Embargoed);
        Assert.Equal(3, (await Notice(h, caseId, NoticeKinds.Embargoed)).DraftRevision);
    }

    [Fact]
    public async Task An_embargo_starts_for_a_case_whose_CaseOpened_was_never_seen()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(5), ["distros"], Member, T0));
        await h.InState(caseId, m => m.Embargoed);
        Assert.Single(Scheduled<DisclosureDue>(h, caseId));
    }

    [Fact]
    public async Task An_embargo_longer_than_the_channel_allows_is_refused_and_nothing_is_scheduled()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(20), ["distros", "default"], Member, T0));

        var refused = await h.Refused(caseId, nameof(StartEmbargo));
        Assert.Contains("14 days", refused.Reason);
        await h.InState(caseId, m => m.Triaged);
        Assert.Empty(Scheduled<DisclosureDue>(h, caseId));
        Assert.Empty(Notices(h, caseId, NoticeKinds.Embargoed));
        Assert.Single(h.Instance(caseId)!.Refusals);
    }

    [Fact]
    public async Task An_unknown_channel_is_refused_with_its_name()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(5), ["carrier-pigeons"], Member, T0));
        Assert.Contains("carrier-pigeons", (await h.Refused(caseId, nameof(StartEmbargo))).Reason);
    }

    [Fact]
    public async Task A_disclosure_inside_the_minimum_lead_time_is_refused()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddHours(2), ["default"], Member, T0));
        Assert.Contains("lead time", (await h.Refused(caseId, nameof(StartEmbargo))).Reason);
    }

    [Fact]
    public async Task A_second_StartEmbargo_while_embargoed_is_refused_and_changes_nothing()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(3), ["default"], Member, T0));

        Assert.Contains("already running", (await h.Refused(caseId, nameof(StartEmbargo))).Reason);
        Assert.Equal(T0.AddDays(10), h.Instance(caseId)!.DisclosureAt);
        Assert.Single(Scheduled<DisclosureDue>(h, caseId));
    }

    [Fact]
    public async Task Extending_reschedules_disclosure_and_the_reminder_cancels_the_old_ones_and_records_who_and_why()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        var saga = h.Instance(caseId)!;
        var (oldDisclosure, oldReminder) = (saga.DisclosureTokenId!.Value, saga.ReminderTokenId!.Value);
        var requester = Guid.NewGuid();

        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(20), "fix needs another week", requester, T0));

        var extended = await Notice(h, caseId, NoticeKinds.Extended);
        Assert.Equal(T0.AddDays(20), extended.DisclosureAt);
        Assert.Equal("fix needs another week", extended.Reason);
        Assert.True(await h.Harness.Published.Any<EmbargoExtended>(m => m.Context.Message.CaseId == caseId && m.Context.Message.PreviousDisclosureAt == T0.AddDays(10)));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == oldDisclosure));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == oldReminder));

        saga = h.Instance(caseId)!;
        var extension = Assert.Single(saga.Extensions);
        Assert.Equal((T0.AddDays(10), T0.AddDays(20), "fix needs another week", requester), (extension.PreviousDisclosureAt, extension.DisclosureAt, extension.Reason, extension.RequestedBy));
        Assert.Contains(Scheduled<DisclosureDue>(h, caseId), m => m.ScheduledTime == T0.AddDays(20).UtcDateTime && m.CorrelationId == saga.DisclosureTokenId);
        Assert.Contains(Scheduled<ReminderDue>(h, caseId), m => m.ScheduledTime == T0.AddDays(17).UtcDateTime && m.CorrelationId == saga.ReminderTokenId);
        var publications = Scheduled<PublishAdvisory>(h, caseId);
        Assert.Equal(2, publications.Count);
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == publications[0].CorrelationId), "the first instant's publication is cancelled");
        Assert.Equal((T0.AddDays(20).UtcDateTime, saga.PublicationTokenId), (publications[1].ScheduledTime, publications[1].CorrelationId));
    }

    [Fact]
    public async Task Once_the_instant_has_come_extend_and_break_are_refused_and_a_newer_draft_does_not_reschedule()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure);
        h.Time.SetUtcNow(disclosure.AddMilliseconds(1)); // the clock has sent PublishAdvisory; DisclosureDue not yet handled

        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, disclosure.AddDays(2), "late", Member, T0));
        Assert.Contains("has passed", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        await h.Harness.Bus.Publish(new BreakEmbargo(caseId, "late leak", Member, T0));
        await WaitUntil(() => h.Instance(caseId)!.Refusals.Count == 2);
        Assert.Contains("has passed", (await h.Refused(caseId, nameof(BreakEmbargo))).Reason);
        await h.Harness.Bus.Publish(new AdvisoryDraftUpdated(caseId, 7, Draft(), Member, T0));
        await WaitUntil(() => h.Instance(caseId)!.LatestRevision == 7);

        Assert.Single(Scheduled<PublishAdvisory>(h, caseId));
        Assert.Empty(h.Harness.Sent.Select<PublishAdvisory>(m => m.Context.Message.CaseId == caseId));
        Assert.Equal((disclosure, 0), (h.Instance(caseId)!.DisclosureAt, h.Instance(caseId)!.ScheduledRevision));
        await h.InState(caseId, m => m.Embargoed);
    }

    [Fact]
    public async Task An_extension_beyond_the_channel_maximum_is_refused_and_keeps_the_instant()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10), "distros");
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(15), "more time", Member, T0));

        Assert.Contains("14 days", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        Assert.Equal(T0.AddDays(10), h.Instance(caseId)!.DisclosureAt);
        Assert.Empty(Notices(h, caseId, NoticeKinds.Extended));
        await Task.Delay(300);
        Assert.Empty(h.Harness.Sent.Select<CancelScheduledMessage>());
    }

    [Fact]
    public async Task Extend_and_break_before_any_embargo_are_refused()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new CaseOpened(caseId, Member, [], T0));
        await h.InState(caseId, m => m.Triaged);
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(5), "x", Member, T0));
        await h.Harness.Bus.Publish(new BreakEmbargo(caseId, "x", Member, T0));
        Assert.Contains("no embargo", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        Assert.Contains("no embargo", (await h.Refused(caseId, nameof(BreakEmbargo))).Reason);
        await h.InState(caseId, m => m.Triaged);
    }

    [Fact]
    public async Task Extend_for_an_unknown_case_is_refused_without_creating_it()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(5), "x", Member, T0));
        Assert.Equal("unknown case", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        Assert.Null(h.Instance(caseId));
    }

    [Fact]
    public async Task A_due_reminder_notifies_downstream_and_schedules_the_next_one()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure);
        h.Time.SetUtcNow(disclosure.AddHours(-72));
        await h.Fire(new ReminderDue(caseId, disclosure), h.Instance(caseId)!.ReminderTokenId);

        await Notice(h, caseId, NoticeKinds.Reminder);
        Assert.True(await h.Harness.Sent.Any<ScheduleMessage>(m => m.Context.Message.Payload is ReminderDue && m.Context.Message.ScheduledTime == disclosure.AddHours(-24).UtcDateTime));
        Assert.Equal(1, h.Instance(caseId)!.RemindersSent);
    }

    [Fact]
    public async Task A_reminder_handled_on_a_clock_slightly_behind_the_one_that_fired_it_is_not_scheduled_again()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure);
        var first = (ReminderDue)Assert.Single(Scheduled<ReminderDue>(h, caseId)).Payload;
        Assert.Equal(disclosure.AddHours(-72), first.RemindAt);
        h.Time.SetUtcNow(disclosure.AddHours(-72).AddMilliseconds(-5)); // the clock fired it on another instance, 5 ms ahead
        await h.Fire(new ReminderDue(caseId, disclosure, first.RemindAt), h.Instance(caseId)!.ReminderTokenId);

        await WaitUntil(() => Scheduled<ReminderDue>(h, caseId).Count == 2);
        Assert.Single(Notices(h, caseId, NoticeKinds.Reminder));
        Assert.Equal(disclosure.AddHours(-24).UtcDateTime, Scheduled<ReminderDue>(h, caseId)[1].ScheduledTime);
    }

    [Fact]
    public async Task A_reminder_overdue_past_the_disclosure_instant_sends_no_notice()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure);
        h.Time.SetUtcNow(disclosure.AddHours(1)); // down across the reminders and the instant; DisclosureDue not yet handled
        await h.Fire(new ReminderDue(caseId, disclosure), h.Instance(caseId)!.ReminderTokenId);

        await WaitUntil(() => h.Harness.Consumed.Select<ReminderDue>().Any());
        await Task.Delay(300); // a reminder notice, if the late reminder made one, would be here by now
        Assert.Empty(Notices(h, caseId, NoticeKinds.Reminder));
        Assert.Equal(0, h.Instance(caseId)!.RemindersSent);
        Assert.Single(Scheduled<ReminderDue>(h, caseId)); // and no next reminder was scheduled
    }

    [Fact]
    public async Task A_reminder_whose_token_was_superseded_is_ignored()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        var staleToken = h.Instance(caseId)!.ReminderTokenId;
        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(20), "later", Member, T0));
        await Notice(h, caseId, NoticeKinds.Extended);

        await h.Fire(new ReminderDue(caseId, T0.AddDays(10)), staleToken);
        await WaitUntil(() => h.Harness.Consumed.Select<ReminderDue>().Any()); // the stale reminder was delivered
        await Task.Delay(300); // a reminder notice, if the stale one made any, would be here by now
        Assert.Empty(Notices(h, caseId, NoticeKinds.Reminder));
        Assert.Equal("Embargoed", h.Instance(caseId)!.CurrentState);
    }

    [Fact]
    public async Task Reminders_whose_time_has_passed_are_not_scheduled()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddHours(30));
        var reminder = Assert.Single(Scheduled<ReminderDue>(h, caseId));
        Assert.Equal(T0.AddHours(6).UtcDateTime, reminder.ScheduledTime);

        await using var shortHarness = await CoordinationHarness.StartAsync(new EmbargoOptions { MinimumLeadTime = TimeSpan.FromSeconds(2) });
        var shortCase = await Embargoed(shortHarness, T0.AddSeconds(20));
        Assert.Empty(Scheduled<ReminderDue>(shortHarness, shortCase));
        Assert.Single(Scheduled<DisclosureDue>(shortHarness, shortCase));
    }

    [Fact]
    public async Task Disclosure_asks_for_the_latest_revision_and_AdvisoryPublished_makes_it_public()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(3);
        var caseId = await Embargoed(h, disclosure);
        foreach (var revision in new[] { 1, 3, 2 })
            await h.Harness.Bus.Publish(new AdvisoryDraftUpdated(caseId, revision, Draft(), Member, T0));
        Assert.True(await h.Harness.Consumed.Any<AdvisoryDraftUpdated>(m => m.Context.Message.Revision == 2));
        await WaitUntil(() => h.Instance(caseId)!.LatestRevision == 3);

        // Each newer revision replaced the waiting command (revision 2, older than 3, did not).
        var publications = Scheduled<PublishAdvisory>(h, caseId);
        Assert.Equal([0, 1, 3], publications.Select(p => ((PublishAdvisory)p.Payload).Revision));
        foreach (var replaced in publications.SkipLast(1))
            Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == replaced.CorrelationId));
        Assert.Equal(publications[^1].CorrelationId, h.Instance(caseId)!.PublicationTokenId);

        var reminderToken = h.Instance(caseId)!.ReminderTokenId!.Value;
        h.Time.SetUtcNow(disclosure);
        await h.Fire(new DisclosureDue(caseId, disclosure), h.Instance(caseId)!.DisclosureTokenId);
        await h.InState(caseId, m => m.Disclosing);
        Assert.Equal(3, h.Instance(caseId)!.RequestedRevision);
        Assert.Empty(h.Harness.Sent.Select<PublishAdvisory>(m => m.Context.Message.CaseId == caseId)); // the clock sends it, not the saga
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == reminderToken), "the pending reminder is cancelled");

        await h.Harness.Bus.Publish(new AdvisoryPublished(caseId, "PSF-2026-1", "CVE-2026-0001", 3, disclosure, ["https://example.test/osv"]));
        await h.InState(caseId, m => m.Disclosed);
        var nowPublic = await Notice(h, caseId, NoticeKinds.NowPublic);
        Assert.Equal("PSF-2026-1", nowPublic.AdvisoryId);
        Assert.Equal(["https://example.test/osv"], nowPublic.AdvisoryUrls);

        await h.Harness.Bus.Publish(new AdvisoryPublished(caseId, "PSF-2026-1", "CVE-2026-0001", 3, disclosure, []));
        await Task.Delay(300);
        Assert.Single(Notices(h, caseId, NoticeKinds.NowPublic));
    }

    [Fact]
    public async Task AdvisoryPublished_before_DisclosureDue_makes_the_case_public_once()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(3);
        var caseId = await Embargoed(h, disclosure);
        var saga = h.Instance(caseId)!;
        var (disclosureToken, reminderToken) = (saga.DisclosureTokenId!.Value, saga.ReminderTokenId!.Value);
        h.Time.SetUtcNow(disclosure.AddSeconds(1));

        await h.Harness.Bus.Publish(new AdvisoryPublished(caseId, "PSF-2026-2", null, 0, disclosure, ["https://example.test/osv"]));
        await h.InState(caseId, m => m.Disclosed);
        var nowPublic = await Notice(h, caseId, NoticeKinds.NowPublic);
        Assert.Equal(("PSF-2026-2", disclosure), (nowPublic.AdvisoryId, h.Instance(caseId)!.PublishedAt));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == disclosureToken));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == reminderToken));

        await h.Fire(new DisclosureDue(caseId, disclosure), disclosureToken); // the clock had already sent it
        await WaitUntil(() => h.Harness.Consumed.Select<DisclosureDue>().Any());
        await Task.Delay(300);
        Assert.Single(Notices(h, caseId, NoticeKinds.NowPublic));
        Assert.Empty(h.Harness.Sent.Select<PublishAdvisory>(m => m.Context.Message.CaseId == caseId));
        await h.InState(caseId, m => m.Disclosed);
    }

    [Fact]
    public async Task A_draft_update_before_the_case_is_known_creates_the_saga_and_keeps_the_revision()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new AdvisoryDraftUpdated(caseId, 4, Draft(), Member, T0));
        await h.InState(caseId, m => m.Triaged);
        Assert.Equal(4, h.Instance(caseId)!.LatestRevision);
    }

    [Fact]
    public async Task Breaking_the_embargo_discloses_now_and_cancels_what_was_scheduled()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        var saga = h.Instance(caseId)!;
        var (disclosureToken, reminderToken, publicationToken) = (saga.DisclosureTokenId!.Value, saga.ReminderTokenId!.Value, saga.PublicationTokenId!.Value);

        var brokenAt = T0.AddHours(5);
        h.Time.SetUtcNow(brokenAt);
        await h.Harness.Bus.Publish(new BreakEmbargo(caseId, "exploit public on a mailing list", Member, T0));
        await h.InState(caseId, m => m.Disclosing);
        var broken = await Notice(h, caseId, NoticeKinds.Broken);
        Assert.Equal("exploit public on a mailing list", broken.Reason);
        Assert.Equal(brokenAt, broken.DisclosureAt); // disclosed now, not at the planned instant
        Assert.Equal(brokenAt, h.Instance(caseId)!.BrokenAt);
        Assert.True(await h.Harness.Published.Any<EmbargoBroken>(m => m.Context.Message.CaseId == caseId));
        Assert.True(await h.Harness.Sent.Any<PublishAdvisory>(m => m.Context.Message.CaseId == caseId));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == disclosureToken));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == reminderToken));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == publicationToken));

        await h.Fire(new DisclosureDue(caseId, T0.AddDays(10)), disclosureToken);
        await Task.Delay(300);
        Assert.Single(h.Harness.Sent.Select<PublishAdvisory>(m => m.Context.Message.CaseId == caseId));
    }

    [Fact]
    public async Task Withdrawing_an_embargoed_case_cancels_its_schedules_and_announces_it()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        var token = h.Instance(caseId)!.DisclosureTokenId!.Value;
        var publication = h.Instance(caseId)!.PublicationTokenId!.Value;
        await h.Harness.Bus.Publish(new WithdrawCase(caseId, "duplicate", Member, T0));
        await h.InState(caseId, m => m.Withdrawn);
        Assert.True(await h.Harness.Published.Any<CaseWithdrawn>(m => m.Context.Message.CaseId == caseId));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == token));
        Assert.True(await h.Harness.Sent.Any<CancelScheduledMessage>(m => m.Context.Message.TokenId == publication));
        var withdrawn = await Notice(h, caseId, NoticeKinds.Withdrawn);
        Assert.Equal("duplicate", withdrawn.Reason);
        Assert.Equal(["default"], withdrawn.Channels);
        Assert.NotEqual(Guid.Empty, withdrawn.NotificationId);
    }

    [Fact]
    public async Task Withdrawing_a_case_that_was_never_embargoed_tells_downstream_nothing()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new CaseOpened(caseId, Member, [], T0));
        await h.InState(caseId, m => m.Triaged);
        await h.Harness.Bus.Publish(new WithdrawCase(caseId, "not a vulnerability", Member, T0));
        await h.InState(caseId, m => m.Withdrawn);
        Assert.True(await h.Harness.Published.Any<CaseWithdrawn>(m => m.Context.Message.CaseId == caseId));
        Assert.Empty(h.Harness.Sent.Select<NotifyDownstream>(m => m.Context.Message.CaseId == caseId));
    }

    [Fact]
    public async Task Withdrawing_after_the_disclosure_instant_is_refused_and_keeps_the_embargo()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var disclosure = T0.AddDays(10);
        var caseId = await Embargoed(h, disclosure);
        var publication = h.Instance(caseId)!.PublicationTokenId;
        h.Time.SetUtcNow(disclosure.AddMilliseconds(1)); // the clock has sent PublishAdvisory; DisclosureDue not yet handled

        await h.Harness.Bus.Publish(new WithdrawCase(caseId, "duplicate", Member, T0));
        Assert.Contains("has passed", (await h.Refused(caseId, nameof(WithdrawCase))).Reason);
        await h.InState(caseId, m => m.Embargoed);
        Assert.Empty(h.Harness.Published.Select<CaseWithdrawn>(m => m.Context.Message.CaseId == caseId));
        Assert.Empty(Notices(h, caseId, NoticeKinds.Withdrawn));
        Assert.Empty(h.Harness.Sent.Select<CancelScheduledMessage>());
        Assert.Equal(publication, h.Instance(caseId)!.PublicationTokenId);
    }

    [Fact]
    public async Task Commands_after_disclosure_are_refused_not_faulted()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = await Embargoed(h, T0.AddDays(10));
        await h.Harness.Bus.Publish(new BreakEmbargo(caseId, "leak", Member, T0));
        await h.InState(caseId, m => m.Disclosing);

        await h.Harness.Bus.Publish(new ExtendEmbargo(caseId, T0.AddDays(12), "late", Member, T0));
        await h.Harness.Bus.Publish(new WithdrawCase(caseId, "oops", Member, T0));
        Assert.Contains("Disclosing", (await h.Refused(caseId, nameof(ExtendEmbargo))).Reason);
        Assert.Contains("Disclosing", (await h.Refused(caseId, nameof(WithdrawCase))).Reason);
        await Task.Delay(200);
        Assert.Empty(h.Harness.Published.Select<Fault<ExtendEmbargo>>());
        await h.InState(caseId, m => m.Disclosing);
    }

    [Fact]
    public async Task A_withdrawn_case_refuses_an_embargo()
    {
        await using var h = await CoordinationHarness.StartAsync();
        var caseId = NewId.NextGuid();
        await h.Harness.Bus.Publish(new WithdrawCase(caseId, "not a vulnerability", Member, T0));
        await h.InState(caseId, m => m.Withdrawn);
        await h.Harness.Bus.Publish(new StartEmbargo(caseId, T0.AddDays(5), ["default"], Member, T0));
        Assert.Contains("Withdrawn", (await h.Refused(caseId, nameof(StartEmbargo))).Reason);
    }

    [Fact]
    public void A_notification_id_is_the_same_for_a_redelivered_message_and_differs_by_kind()
    {
        var messageId = Guid.NewGuid();
        Assert.Equal(NotificationIds.For(messageId, NoticeKinds.Extended), NotificationIds.For(messageId, NoticeKinds.Extended));
        Assert.NotEqual(NotificationIds.For(messageId, NoticeKinds.Extended), NotificationIds.For(messageId, NoticeKinds.Broken));
        Assert.NotEqual(NotificationIds.For(messageId, NoticeKinds.Extended), NotificationIds.For(Guid.NewGuid(), NoticeKinds.Extended));
    }

    private static AdvisoryDraft Draft() => new("t", "s", "d", [], null, [], [], null, []);

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition());
    }
}
