using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using EmbargoScheduler.Policy;
using EmbargoScheduler.Scheduling;
using MassTransit;

namespace EmbargoScheduler.StateMachines;

/// <summary>
/// One saga per case: Triaged → Embargoed → Disclosing → Disclosed, or Withdrawn before disclosing.
/// The PublishAdvisory itself waits in the clock for the disclosure instant (rescheduled when the instant or the draft
/// changes, cancelled on a break or withdrawal), so publishing on time never waits for this saga: when many disclosures
/// fall in the same second, the saga's own DisclosureDue, which only records that the instant came, may trail it (even
/// AdvisoryPublished may come first). An extension, break or withdrawal whose cancel finds the command already sent
/// is refused like one after the instant.
/// Requests outside policy or in the wrong state are refused with EmbargoRequestRefused (and recorded); anything
/// else unexpected (a stale reminder, a duplicate AdvisoryPublished) is logged and ignored, never an error loop.
/// </summary>
public sealed partial class CoordinationStateMachine : MassTransitStateMachine<CoordinationState>
{
    private static readonly Uri Notifier = Queues.Address(Queues.DownstreamNotifier);
    private static readonly Uri Disclosure = Queues.Address(Queues.Disclosure);

    private readonly EmbargoPolicy policy;
    private readonly TimeProvider time;
    private readonly ILogger<CoordinationStateMachine> logger;

    public CoordinationStateMachine(EmbargoPolicy policy, TimeProvider time, ILogger<CoordinationStateMachine> logger)
    {
        this.policy = policy;
        this.time = time;
        this.logger = logger;

        InstanceState(x => x.CurrentState);

        Event(() => CaseOpened, e => Initiating(e, m => m.CaseId));
        Event(() => DraftUpdated, e => Initiating(e, m => m.CaseId));
        Event(() => StartEmbargo, e => Initiating(e, m => m.CaseId));
        Event(() => WithdrawCase, e => Initiating(e, m => m.CaseId));
        Event(() => ExtendEmbargo, e =>
        {
            e.CorrelateById(c => c.Message.CaseId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => RefuseUnknownCase(c, c.Message.CaseId, nameof(Coordination.Contracts.Embargo.ExtendEmbargo))));
        });
        Event(() => BreakEmbargo, e =>
        {
            e.CorrelateById(c => c.Message.CaseId);
            e.OnMissingInstance(m => m.ExecuteAsync(c => RefuseUnknownCase(c, c.Message.CaseId, nameof(Coordination.Contracts.Embargo.BreakEmbargo))));
        });
        Event(() => AdvisoryPublished, e =>
        {
            e.CorrelateById(c => c.Message.CaseId);
            e.OnMissingInstance(m => m.Discard());
        });

        Schedule(() => ReminderDue, x => x.ReminderTokenId, s => s.Received = e =>
        {
            e.CorrelateById(c => c.Message.CaseId);
            e.OnMissingInstance(m => m.Discard());
        });
        Schedule(() => DisclosureDue, x => x.DisclosureTokenId, s => s.Received = e =>
        {
            e.CorrelateById(c => c.Message.CaseId);
            e.OnMissingInstance(m => m.Discard());
        });

        Initially(
            When(CaseOpened).Then(RecordOpened).TransitionTo(Triaged),
            When(DraftUpdated).Then(RecordRevision).TransitionTo(Triaged),
            When(StartEmbargo).IfElse(c => StartDecision(c).Allowed,
                accepted => BeginEmbargo(accepted),
                refused => RefuseStart(refused).TransitionTo(Triaged)),
            When(WithdrawCase).Then(RecordWithdrawal).PublishAfterCommit(CaseWithdrawnFor).TransitionTo(Withdrawn));

        During(Triaged,
            When(StartEmbargo).IfElse(c => StartDecision(c).Allowed,
                accepted => BeginEmbargo(accepted),
                refused => RefuseStart(refused)),
            When(ExtendEmbargo).ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.ExtendEmbargo), c.Message.RequestedBy, "no embargo is running for this case")),
            When(BreakEmbargo).ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.BreakEmbargo), c.Message.RequestedBy, "no embargo is running for this case")),
            When(WithdrawCase).Then(RecordWithdrawal).PublishAfterCommit(CaseWithdrawnFor).TransitionTo(Withdrawn));

        During(Embargoed,
            When(StartEmbargo).ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.StartEmbargo), c.Message.RequestedBy, "an embargo is already running; extend it instead")),
            When(ExtendEmbargo).IfElseAsync(async c => ExtensionDecision(c).Allowed && await StopPublication(c),
                accepted => accepted
                    .Then(RecordExtension)
                    .ThenAsync(SchedulePublication)
                    .Schedule(DisclosureDue, c => new DisclosureDue(c.Saga.CorrelationId, c.Saga.DisclosureAt!.Value), c => c.Saga.DisclosureAt!.Value.UtcDateTime)
                    .Unschedule(ReminderDue)
                    .If(c => NextReminder(c) is not null, ScheduleNextReminder)
                    .SendAfterCommit(Notifier, c => Notice(c, NoticeKinds.Extended, c.Message.Reason))
                    .PublishAfterCommit(c => new EmbargoExtended(c.Saga.CorrelationId, c.Saga.Extensions[^1].PreviousDisclosureAt, c.Saga.DisclosureAt!.Value,
                        c.Message.Reason, c.Message.RequestedBy, c.Saga.Extensions[^1].ExtendedAt)),
                refused => refused.ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.ExtendEmbargo), c.Message.RequestedBy,
                    ExtensionDecision(c).Reason ?? InstantPassed(c.Saga)))), // within policy, but the clock had already sent the publication
            When(BreakEmbargo).IfElseAsync(StopPublication,
                breaking => breaking
                    .Then(RecordBreak)
                    .Unschedule(ReminderDue)
                    .Unschedule(DisclosureDue)
                    .SendAfterCommit(Notifier, c => Notice(c, NoticeKinds.Broken, c.Message.Reason) with { DisclosureAt = c.Saga.BrokenAt!.Value }) // disclosed now
                    .PublishAfterCommit(c => new EmbargoBroken(c.Saga.CorrelationId, c.Message.Reason, c.Message.RequestedBy, c.Saga.BrokenAt!.Value))
                    .Then(RecordDisclosing)
                    .SendAfterCommit(Disclosure, c => new PublishAdvisory(c.Saga.CorrelationId, c.Saga.RequestedRevision!.Value))
                    .TransitionTo(Disclosing),
                passed => passed.ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.BreakEmbargo), c.Message.RequestedBy, InstantPassed(c.Saga)))),
            When(ReminderDue.Received).IfElse(c => c.Saga.DisclosureAt > time.GetUtcNow(),
                due => due
                    .Then(c => c.Saga.RemindersSent++)
                    .SendAfterCommit(Notifier, c => Notice(c, NoticeKinds.Reminder, null))
                    .If(c => NextReminder(c) is not null, ScheduleNextReminder),
                late => late.Then(c => LogReminderTooLate(c.Saga.CorrelationId))), // e.g. overdue after downtime across the instant
            When(DisclosureDue.Received)
                .Unschedule(ReminderDue)
                .Then(RecordDisclosing)
                .If(c => c.Saga.PublicationTokenId is null, // embargoed before the clock carried the command
                    send => send.SendAfterCommit(Disclosure, c => new PublishAdvisory(c.Saga.CorrelationId, c.Saga.RequestedRevision!.Value)))
                .TransitionTo(Disclosing),
            When(AdvisoryPublished) // the clock's PublishAdvisory was handled before this saga's DisclosureDue
                .Unschedule(ReminderDue)
                .Unschedule(DisclosureDue)
                .Then(RecordDisclosing)
                .Then(RecordPublished)
                .SendAfterCommit(Notifier, NowPublic)
                .TransitionTo(Disclosed),
            When(WithdrawCase).IfElseAsync(StopPublication,
                withdrawing => withdrawing
                    .Unschedule(ReminderDue)
                    .Unschedule(DisclosureDue)
                    .Then(RecordWithdrawal)
                    .SendAfterCommit(Notifier, c => Notice(c, NoticeKinds.Withdrawn, c.Message.Reason)) // those told must hear the embargo is off
                    .PublishAfterCommit(CaseWithdrawnFor)
                    .TransitionTo(Withdrawn),
                passed => passed.ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.WithdrawCase), c.Message.RequestedBy, InstantPassed(c.Saga)))));

        During(Disclosing,
            When(AdvisoryPublished)
                .Then(RecordPublished)
                .SendAfterCommit(Notifier, NowPublic)
                .TransitionTo(Disclosed));

        During(Disclosing, Disclosed, Withdrawn,
            When(StartEmbargo).ThenAsync(c => RefuseInState(c, nameof(Coordination.Contracts.Embargo.StartEmbargo), c.Message.RequestedBy)),
            When(ExtendEmbargo).ThenAsync(c => RefuseInState(c, nameof(Coordination.Contracts.Embargo.ExtendEmbargo), c.Message.RequestedBy)),
            When(BreakEmbargo).ThenAsync(c => RefuseInState(c, nameof(Coordination.Contracts.Embargo.BreakEmbargo), c.Message.RequestedBy)),
            When(WithdrawCase).ThenAsync(c => RefuseInState(c, nameof(Coordination.Contracts.Embargo.WithdrawCase), c.Message.RequestedBy)));

        DuringAny(
            When(CaseOpened).Then(c => { c.Saga.CoordinatorId ??= c.Message.CoordinatorId; c.Saga.OpenedAt ??= c.Message.OpenedAt; }),
            When(DraftUpdated).Then(RecordRevision).ThenAsync(ReschedulePublicationForNewRevision));

        OnUnhandledEvent(c =>
        {
            LogIgnored(c.Saga.CorrelationId, c.Event.Name, c.Saga.CurrentState ?? "Initial");
            return c.Ignore();
        });
    }

    public State Triaged { get; private set; } = null!;
    public State Embargoed { get; private set; } = null!;
    public State Disclosing { get; private set; } = null!;
    public State Disclosed { get; private set; } = null!;
    public State Withdrawn { get; private set; } = null!;

    public Event<CaseOpened> CaseOpened { get; private set; } = null!;
    public Event<AdvisoryDraftUpdated> DraftUpdated { get; private set; } = null!;
    public Event<StartEmbargo> StartEmbargo { get; private set; } = null!;
    public Event<ExtendEmbargo> ExtendEmbargo { get; private set; } = null!;
    public Event<BreakEmbargo> BreakEmbargo { get; private set; } = null!;
    public Event<WithdrawCase> WithdrawCase { get; private set; } = null!;
    public Event<AdvisoryPublished> AdvisoryPublished { get; private set; } = null!;

    public Schedule<CoordinationState, ReminderDue> ReminderDue { get; private set; } = null!;
    public Schedule<CoordinationState, DisclosureDue> DisclosureDue { get; private set; } = null!;

    private static void Initiating<T>(IEventCorrelationConfigurator<CoordinationState, T> e, Func<T, Guid> caseId) where T : class
    {
        e.CorrelateById(c => caseId(c.Message));
        e.InsertOnInitial = true;
        e.SetSagaFactory(c => new CoordinationState { CorrelationId = caseId(c.Message) });
    }

    private EventActivityBinder<CoordinationState, StartEmbargo> BeginEmbargo(EventActivityBinder<CoordinationState, StartEmbargo> binder) => binder
        .Then(c =>
        {
            c.Saga.Channels = c.Message.Channels.ToList();
            c.Saga.LimitsAtStart = policy.LimitsFor(c.Message.Channels);
            c.Saga.DisclosureAt = c.Message.DisclosureAt;
            c.Saga.StartedAt = time.GetUtcNow();
            c.Saga.StartedBy = c.Message.RequestedBy;
            LogEmbargoStarted(c.Saga.CorrelationId, c.Message.DisclosureAt);
        })
        .ThenAsync(SchedulePublication)
        .Schedule(DisclosureDue, c => new DisclosureDue(c.Saga.CorrelationId, c.Saga.DisclosureAt!.Value), c => c.Saga.DisclosureAt!.Value.UtcDateTime)
        .If(c => NextReminder(c) is not null, ScheduleNextReminder)
        .SendAfterCommit(Notifier, c => Notice(c, NoticeKinds.Embargoed, null))
        .PublishAfterCommit(c => new EmbargoStarted(c.Saga.CorrelationId, c.Saga.DisclosureAt!.Value, c.Saga.Channels, c.Saga.StartedAt!.Value))
        .TransitionTo(Embargoed);

    private EventActivityBinder<CoordinationState, StartEmbargo> RefuseStart(EventActivityBinder<CoordinationState, StartEmbargo> binder) => binder
        .ThenAsync(c => Refuse(c, nameof(Coordination.Contracts.Embargo.StartEmbargo), c.Message.RequestedBy, StartDecision(c).Reason!));

    // Decided once per message (kept as a payload of the consume), so the condition and the refusal agree.
    private PolicyDecision StartDecision(BehaviorContext<CoordinationState, StartEmbargo> c) =>
        c.GetOrAddPayload(() => policy.EvaluateStart(c.Message.Channels, c.Message.DisclosureAt, time.GetUtcNow()));

    private PolicyDecision ExtensionDecision(BehaviorContext<CoordinationState, ExtendEmbargo> c) =>
        // An unconfigured channel was logged by the API, which every ExtendEmbargo comes through.
        c.GetOrAddPayload(() => policy.EvaluateExtension(c.Saga.AsRunningEmbargo(), c.Message.NewDisclosureAt, time.GetUtcNow()));

    /// <summary>The next reminder still ahead; while a reminder that has just come is handled, the one after it (the
    /// clock that fired it may run a little ahead of this instance's, and "after now" would arm the same reminder again).</summary>
    private DateTimeOffset? NextReminder(BehaviorContext<CoordinationState> c)
    {
        var now = time.GetUtcNow();
        var after = c is BehaviorContext<CoordinationState, ReminderDue> { Message.RemindAt: { } remindAt } && remindAt > now ? remindAt : now;
        return policy.NextReminder(c.Saga.DisclosureAt!.Value, after);
    }

    private EventActivityBinder<CoordinationState, T> ScheduleNextReminder<T>(EventActivityBinder<CoordinationState, T> binder) where T : class =>
        binder.Schedule(ReminderDue, c => new ReminderDue(c.Saga.CorrelationId, c.Saga.DisclosureAt!.Value, NextReminder(c)), c => NextReminder(c)!.Value.UtcDateTime);

    // With the latest draft revision seen: the notifier waits for it before choosing recipients (the draft reaches it on another queue).
    private static NotifyDownstream Notice<T>(BehaviorContext<CoordinationState, T> c, string kind, string? reason) where T : class =>
        new(c.Saga.CorrelationId, kind, NotificationIds.For(c.MessageId, kind), c.Saga.DisclosureAt ?? c.Saga.BrokenAt ?? default, c.Saga.Channels, reason,
            DraftRevision: c.Saga.LatestRevision);

    private static void RecordOpened(BehaviorContext<CoordinationState, CaseOpened> c)
    {
        c.Saga.CoordinatorId = c.Message.CoordinatorId;
        c.Saga.OpenedAt = c.Message.OpenedAt;
    }

    private static void RecordRevision(BehaviorContext<CoordinationState, AdvisoryDraftUpdated> c) =>
        c.Saga.LatestRevision = Math.Max(c.Saga.LatestRevision ?? 0, c.Message.Revision);

    private void RecordExtension(BehaviorContext<CoordinationState, ExtendEmbargo> c)
    {
        c.Saga.Extensions.Add(new EmbargoExtension(c.Saga.DisclosureAt!.Value, c.Message.NewDisclosureAt, c.Message.Reason, c.Message.RequestedBy, time.GetUtcNow()));
        c.Saga.DisclosureAt = c.Message.NewDisclosureAt;
        LogExtended(c.Saga.CorrelationId, c.Message.NewDisclosureAt);
    }

    private void RecordBreak(BehaviorContext<CoordinationState, BreakEmbargo> c)
    {
        c.Saga.BreakReason = c.Message.Reason;
        c.Saga.BrokenBy = c.Message.RequestedBy;
        c.Saga.BrokenAt = time.GetUtcNow();
        LogBroken(c.Saga.CorrelationId);
    }

    /// <summary>Arms the PublishAdvisory for the disclosure instant with the latest revision (none may be waiting).</summary>
    private static async Task SchedulePublication(BehaviorContext<CoordinationState> c)
    {
        var revision = c.Saga.LatestRevision ?? 0;
        var scheduled = await c.ScheduleSend(Disclosure, c.Saga.DisclosureAt!.Value.UtcDateTime, new PublishAdvisory(c.Saga.CorrelationId, revision));
        c.Saga.PublicationTokenId = scheduled.TokenId;
        c.Saga.ScheduledRevision = revision;
    }

    /// <returns>false when the clock has already sent the waiting PublishAdvisory (it is then kept as the saga's).</returns>
    private async Task<bool> CancelPublication(BehaviorContext<CoordinationState> c)
    {
        if (c.Saga.PublicationTokenId is not { } token) return true;
        if (!await TransactionalScheduleMessageProvider.CancelPendingAsync(c, Disclosure, token, time)) return false;
        c.Saga.PublicationTokenId = null;
        c.Saga.ScheduledRevision = null;
        return true;
    }

    /// <summary>What an extension, break or withdrawal needs first: the instant still ahead and the waiting
    /// PublishAdvisory cancelled before the clock sent it. The time check alone can pass just before the instant while
    /// the clock claims the command; the cancel then finds the row sending (or waits on the claim's lock first).</summary>
    private async Task<bool> StopPublication(BehaviorContext<CoordinationState> c) =>
        c.Saga.DisclosureAt > time.GetUtcNow() && await CancelPublication(c);

    private static string InstantPassed(CoordinationState saga) => EmbargoPolicy.InstantPassed(saga.DisclosureAt!.Value);

    /// <summary>A newer draft during the embargo replaces the waiting command; once the instant has come, the command
    /// already sent stands (the newer revision can be published as an update).</summary>
    private async Task ReschedulePublicationForNewRevision(BehaviorContext<CoordinationState, AdvisoryDraftUpdated> c)
    {
        if (c.Saga.CurrentState != Embargoed.Name || c.Saga.PublicationTokenId is null || c.Saga.ScheduledRevision == c.Saga.LatestRevision) return;
        if (await StopPublication(c)) await SchedulePublication(c);
    }

    private void RecordDisclosing(BehaviorContext<CoordinationState> c)
    {
        c.Saga.DisclosingAt = time.GetUtcNow();
        c.Saga.RequestedRevision = c.Saga.PublicationTokenId is null ? c.Saga.LatestRevision ?? 0 : c.Saga.ScheduledRevision ?? 0;
        LogDisclosing(c.Saga.CorrelationId, c.Saga.RequestedRevision.Value);
    }

    private static void RecordPublished(BehaviorContext<CoordinationState, AdvisoryPublished> c)
    {
        c.Saga.AdvisoryId = c.Message.AdvisoryId;
        c.Saga.PublishedAt = c.Message.PublishedAt;
    }

    private static NotifyDownstream NowPublic(BehaviorContext<CoordinationState, AdvisoryPublished> c) =>
        Notice(c, NoticeKinds.NowPublic, null) with { AdvisoryId = c.Message.AdvisoryId, AdvisoryUrls = c.Message.Urls };

    private void RecordWithdrawal(BehaviorContext<CoordinationState, WithdrawCase> c)
    {
        c.Saga.WithdrawReason = c.Message.Reason;
        c.Saga.WithdrawnAt = time.GetUtcNow();
    }

    private static CaseWithdrawn CaseWithdrawnFor(BehaviorContext<CoordinationState, WithdrawCase> c) =>
        new(c.Saga.CorrelationId, c.Message.Reason, c.Message.RequestedBy, c.Saga.WithdrawnAt!.Value);

    private Task RefuseInState<T>(BehaviorContext<CoordinationState, T> c, string request, Guid requestedBy) where T : class =>
        Refuse(c, request, requestedBy, $"not possible while the case is {c.Saga.CurrentState}");

    private async Task Refuse<T>(BehaviorContext<CoordinationState, T> c, string request, Guid? requestedBy, string reason) where T : class
    {
        var now = time.GetUtcNow();
        c.Saga.Refusals.Add(new EmbargoRefusal(request, reason, requestedBy, now));
        LogRefused(c.Saga.CorrelationId, request);
        await SagaOutbox.Publish(c, new EmbargoRequestRefused(c.Saga.CorrelationId, request, reason, now));
    }

    private Task RefuseUnknownCase<T>(ConsumeContext<T> c, Guid caseId, string request) where T : class
    {
        LogRefused(caseId, request);
        return SagaOutbox.Publish(c, new EmbargoRequestRefused(caseId, request, "unknown case", time.GetUtcNow()));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: embargo started, disclosure at {DisclosureAt:O}")]
    private partial void LogEmbargoStarted(Guid caseId, DateTimeOffset disclosureAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: embargo extended to {DisclosureAt:O}")]
    private partial void LogExtended(Guid caseId, DateTimeOffset disclosureAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: embargo broken")]
    private partial void LogBroken(Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: disclosing revision {Revision}")]
    private partial void LogDisclosing(Guid caseId, int revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: reminder skipped, the disclosure instant has passed")]
    private partial void LogReminderTooLate(Guid caseId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: {Request} refused")]
    private partial void LogRefused(Guid caseId, string request);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: {Event} ignored in state {State}")]
    private partial void LogIgnored(Guid caseId, string @event, string state);
}
