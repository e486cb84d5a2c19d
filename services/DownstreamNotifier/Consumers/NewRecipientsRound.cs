using Coordination.Contracts.Advisories;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Bus;
using Coordination.Hosting.Data;
using Dapper;
using DownstreamNotifier.Data;
using DownstreamNotifier.Recipients;
using Npgsql;

namespace DownstreamNotifier.Consumers;

/// <summary>
/// An Embargoed round during a running embargo for the recipients it has not warned yet: the dependents a newer draft
/// revision adds (<see cref="AddedByRevisionAsync"/>), the projects a member includes (or stops excluding: <see cref="ScopedAsync"/>), and, when a member asks, contacts and projects
/// registered since. It is sent to this service's own queue through the outbox, in the caller's transaction under the
/// case's lock, and carries the embargo as it stands. NotifyDownstreamConsumer records it for <see cref="NotWarnedAsync"/>.
/// </summary>
public static class NewRecipientsRound
{
    /// <summary>The case's embargo when it can take such a round (running, its instant ahead, its first Embargoed
    /// round recorded: that one warns everybody); otherwise why not.</summary>
    public static async Task<(CaseEmbargo? Running, string? WhyNot)> RunningEmbargoAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId,
        DateTimeOffset now)
    {
        var embargo = await CaseStore.EmbargoAsync(conn, caseId, tx);
        return await WhyNoRoundAsync(conn, tx, caseId, embargo, now) is { } whyNot ? (null, whyNot) : (embargo, null);
    }

    /// <summary>Why the case, with this embargo as read, cannot take such a round; null when it can.</summary>
    public static async Task<string?> WhyNoRoundAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, CaseEmbargo? embargo, DateTimeOffset now)
    {
        if (embargo is null) return "no embargo has begun for this case";
        if (embargo.Ended is not null) return $"the embargo has ended ({embargo.Ended})";
        if (embargo.DisclosureAt <= now) return "the disclosure instant has passed";
        if (!await NoticeStore.HasRoundAsync(conn, tx, caseId, NoticeKinds.Embargoed))
            return "the embargo's first round has not been recorded yet; it warns every recipient";
        return null;
    }

    /// <param name="onlyProjects">when set, the round warns only contacts of these projects (see <see cref="ScopedAsync"/>).</param>
    public static async Task SendAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, Guid notificationId, CaseEmbargo embargo,
        int? draftRevision, Guid[]? onlyProjects = null)
    {
        if (onlyProjects is not null)
            await conn.ExecuteAsync("INSERT INTO round_scopes (notification_id, project_ids) VALUES (@Id, @Projects)",
                new { Id = notificationId, Projects = onlyProjects }, tx);
        await Outbox.SendAsync(conn, tx, Queues.Address(Queues.DownstreamNotifier).ToString(),
            new NotifyDownstream(caseId, NoticeKinds.Embargoed, notificationId, embargo.DisclosureAt, embargo.Channels, DraftRevision: draftRevision));
    }

    /// <summary>
    /// The recipients a round scoped to some projects (a member's change of the overrides) warns: of those not warned
    /// yet, the ones at an address of a contact of those projects; null when the round has no scope.
    /// </summary>
    public static async Task<List<Recipient>?> ScopedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, AdvisoryDraft? draft,
        int maxDepth, Guid round)
    {
        var projects = await conn.QuerySingleOrDefaultAsync<Guid[]>("SELECT project_ids FROM round_scopes WHERE notification_id = @Id", new { Id = round }, tx);
        return projects is null ? null : await NotWarnedOfAsync(conn, tx, caseId, draft, maxDepth, round, projects);
    }

    /// <summary>Those of <see cref="NotWarnedAsync"/> at an address of a contact of <paramref name="projects"/> (an address
    /// that is a contact of several projects may be told as another one of them).</summary>
    public static async Task<List<Recipient>> NotWarnedOfAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, AdvisoryDraft? draft,
        int maxDepth, Guid round, Guid[] projects)
    {
        var addresses = (await conn.QueryAsync<string>("SELECT lower(email) FROM contacts WHERE project_id = ANY(@Projects)", new { Projects = projects }, tx))
            .ToHashSet();
        return (await NotWarnedAsync(conn, tx, caseId, draft, maxDepth, round)).Where(r => addresses.Contains(r.Email.ToLowerInvariant())).ToList();
    }

    /// <summary>
    /// The recipients an Embargoed round warns: those without an Embargoed notice of the case in another round than
    /// <paramref name="round"/>, neither at their address nor as the contact (one whose notice failed, or who was told
    /// at an address changed since, is a resend's to decide, not a second notice's).
    /// </summary>
    public static async Task<List<Recipient>> NotWarnedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, AdvisoryDraft? draft,
        int maxDepth, Guid round)
    {
        var recipients = await RecipientResolver.ResolveAsync(conn, caseId, draft, maxDepth, tx, []);
        var isWarned = await WarnedAsync(conn, tx, caseId, round);
        return recipients.Where(r => !isWarned(r)).ToList();
    }

    /// <summary>
    /// The recipients a draft revision's round warns: those not warned yet that the revision's new affected packages
    /// reach, and none that the packages earlier Embargoed rounds warned of reach already (a contact or project registered
    /// since, reached through those, waits for a member's decision: a revision fixing a typo warns nobody new).
    /// </summary>
    public static async Task<List<Recipient>> AddedByRevisionAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, AdvisoryDraft? draft,
        int maxDepth, Guid round)
    {
        var notWarned = await NotWarnedAsync(conn, tx, caseId, draft, maxDepth, round);
        if (notWarned.Count == 0 || draft is null) return notWarned;
        var warnedKeys = (await NoticeStore.EarlierEmbargoedDraftsAsync(conn, tx, caseId, round))
            .SelectMany(RecipientResolver.AffectedKeys).ToHashSet(StringComparer.Ordinal);
        var asWarned = draft with { Affected = draft.Affected.Where(a => RecipientResolver.KeyOf(a) is { } key && warnedKeys.Contains(key)).ToList() };
        var reachedBefore = await RecipientResolver.ResolveAsync(conn, caseId, asWarned, maxDepth, tx, []);
        var addresses = reachedBefore.Select(r => r.Email.ToLowerInvariant()).ToHashSet();
        var contacts = reachedBefore.Select(r => r.ContactId).ToHashSet();
        return notWarned.Where(r => !addresses.Contains(r.Email.ToLowerInvariant()) && !contacts.Contains(r.ContactId)).ToList();
    }

    /// <summary>Whether a recipient has been warned: it has an Embargoed notice of the case (in any state, in another
    /// round than <paramref name="round"/>) at its address or as the contact.</summary>
    public static async Task<Func<Recipient, bool>> WarnedAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid caseId, Guid round) =>
        (await NoticeStore.WithKindAsync(conn, tx, caseId, NoticeKinds.Embargoed, round)).Includes;
}
