using Coordination.Hosting.Auth;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>/cases/{id}: the recipient preview and overrides, and the notices sent with their state (and resent).</summary>
public static class CasesApi
{
    public static IEndpointRouteBuilder MapCasesApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/cases/{id:guid}").RequireAuthorization(Policies.Member).WithTags("Cases");
        group.MapGet("/recipients", GetRecipients);
        group.MapPut("/recipients/overrides", PutOverrides);
        group.MapPost("/recipients/warn", WarnNewRecipients.Post);
        group.MapGet("/notices", GetNotices);
        group.MapPost("/notices/resend", ResendNotices.Post);
        return app;
    }

    public static async Task<Ok<RecipientsResponse>> GetRecipients(Guid id, NpgsqlDataSource db, IOptions<NotifierOptions> options, TimeProvider time,
        CancellationToken ct)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        await using var conn = await db.OpenConnectionAsync(ct);
        var draft = await CaseStore.DraftAsync(conn, id);
        var embargo = await CaseStore.EmbargoAsync(conn, id);
        // As the next round after the first chooses them: contacts told earlier stay, also once the graph or an exclusion
        // leaves them out (they hear of schedule changes).
        var recipients = await RecipientResolver.ResolveAsync(conn, id, draft, o.MaxDepth, null, await NoticeStore.EarlierRecipientsAsync(conn, null, id));
        var caseChannels = embargo?.Channels ?? [];
        var isWarned = await NewRecipientsRound.WarnedAsync(conn, null, id, Guid.Empty);
        var views = recipients.Select(r => new RecipientView(r.ContactId, r.Name, r.Email, r.ProjectId, r.ProjectName, r.Path, r.HasKey,
            r.KeyFingerprint, r.KeyExpiresAt,
            r.KeyExpiresAt is { } exp && embargo is { } e && exp <= e.DisclosureAt,
            NoticeModes.For(r, o, caseChannels, now), isWarned(r), r.Excluded)).ToList();
        var warnings = new List<string>();
        if (draft is null) warnings.Add("no draft received for this case yet: no affected packages to match");
        foreach (var a in RecipientResolver.Unmatchable(draft))
            warnings.Add($"affected package {a.Ecosystem} {a.Name} has no purl, and its ecosystem and name make none (an ecosystem with no purl type here, or a name such as \"group:\" naming no package): it matches no project; give it a purl in the draft or include its dependents by hand");
        foreach (var v in views.Where(v => v.HasKey && v.KeyExpiresAt <= now))
            warnings.Add($"key of {v.Email} ({v.KeyFingerprint}) expired {v.KeyExpiresAt:yyyy-MM-dd HH:mm}Z: notices to this contact carry only a link");
        foreach (var v in views.Where(v => v.KeyExpiresBeforeDisclosure && !(v.KeyExpiresAt <= now)))
            warnings.Add($"key of {v.Email} ({v.KeyFingerprint}) expires {v.KeyExpiresAt:yyyy-MM-dd HH:mm}Z, before the disclosure");
        if (views.Count(v => !v.Warned) is > 0 and var notWarned && await NewRecipientsRound.WhyNoRoundAsync(conn, null, id, embargo, now) is null)
            warnings.Add($"{notWarned} recipient(s) registered during the embargo not warned yet: POST /cases/{id}/recipients/warn (coord warn) warns them");
        return TypedResults.Ok(new RecipientsResponse(id, embargo?.DisclosureAt, o.MaxDepth, RecipientResolver.AffectedPackages(draft).Select(p => p.ToString()).ToList(), views, warnings));
    }

    private const int MaxOverrides = 10_000;

    /// <summary>
    /// Replaces the case's overrides. A project excluded has its notices not sent yet cancelled or stripped of details
    /// (ExcludedProjectNotices); a change that adds projects (one included, or no longer excluded) during the embargo
    /// warns the recipients not warned yet (WarnNewRecipients), and the answer lists them.
    /// </summary>
    public static async Task<Results<Ok<OverridesResponse>, ValidationProblem>> PutOverrides(Guid id, OverridesRequest request, NpgsqlDataSource db,
        IOptions<NotifierOptions> options, NoticeSignal signal, TimeProvider time, CancellationToken ct)
    {
        var include = request.Include ?? [];
        var exclude = request.Exclude ?? [];
        var errors = new Dictionary<string, string[]>();
        // Capped because the entries are checked while the case is locked.
        if (include.Count > MaxOverrides) errors["include"] = [$"at most {MaxOverrides} projects"];
        if (exclude.Count > MaxOverrides) errors["exclude"] = [$"at most {MaxOverrides} projects"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        // Replacing is a delete and inserts: two at once would interleave into a mix of both lists (or deadlock).
        await CaseLock.TakeAsync(conn, tx, id);
        var known = await RegistryStore.ExistingProjectIdsAsync(conn, tx, include.Concat(exclude));
        var included = include.ToHashSet();
        for (var i = 0; i < include.Count; i++)
            if (!known.Contains(include[i])) errors[$"include[{i}]"] = ["no such project"];
        for (var i = 0; i < exclude.Count; i++)
            if (!known.Contains(exclude[i])) errors[$"exclude[{i}]"] = ["no such project"];
            else if (included.Contains(exclude[i])) errors[$"exclude[{i}]"] = ["is also in include"];
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        var before = await CaseStore.OverridesAsync(conn, id, tx);
        await CaseStore.ReplaceOverridesAsync(conn, tx, id, include.Distinct(), exclude.Distinct());
        var (cancelled, scheduleOnly) = await ExcludedProjectNotices.ApplyAsync(conn, tx, id, exclude.Distinct().ToArray());
        // Only the projects this change adds are warned: others not warned yet (registered since) wait for a member's
        // POST .../recipients/warn, as a registry change alone warns nobody.
        var added = include.Except(before.Include).Concat(before.Exclude.Except(exclude)).Distinct().ToArray();
        var now = time.GetUtcNow();
        // The notices an exclusion cancelled go again now that it is lifted, those still true (an Embargoed one for the
        // current instant; not one naming an instant since moved). First: a contact whose cancelled Embargoed notice
        // may not go again counts as not warned (NoticeStore.WithKindAsync), and the warning below tells it anew.
        var noLongerExcluded = before.Exclude.Except(exclude).ToArray();
        var detailsRestored = await ExcludedProjectNotices.RestoreDetailsAsync(conn, tx, id, noLongerExcluded, options.Value, now);
        var lifted = await ExcludedProjectNotices.CancelledContactsAsync(conn, tx, id, noLongerExcluded);
        var (resent, notResent) = lifted.Length == 0 ? ([], [])
            : await ResendNotices.RequeueAsync(conn, tx, id, lifted, options.Value, now, n => n.LastError == ExcludedProjectNotices.CancelledReason);
        var (round, warned) = added.Length > 0 && (await NewRecipientsRound.RunningEmbargoAsync(conn, tx, id, now)).Running is { } embargo
            ? await WarnNewRecipients.SendAsync(conn, tx, id, embargo, options.Value, now, added)
            : (null, []);
        await tx.CommitAsync(ct);
        if (resent.Count > 0) signal.Pulse();
        return TypedResults.Ok(new OverridesResponse(include.Distinct().ToList(), exclude.Distinct().ToList(), cancelled, scheduleOnly, round, warned,
            resent, notResent, detailsRestored));
    }

    public static async Task<Ok<CaseNoticesResponse>> GetNotices(Guid id, NpgsqlDataSource db, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        var notices = await CaseNoticesStore.NoticesAsync(conn, id);
        var counts = new Dictionary<string, int> { ["total"] = notices.Count };
        foreach (var state in new[] { "pending", "deferred", "sent", "failed", "cancelled" }) counts[state] = notices.Count(n => n.State == state);
        // A contact counts as its newest notice's address does: one readdressed since it acknowledged has not.
        var acknowledged = notices.GroupBy(n => n.ContactId).Count(g => g.MaxBy(n => n.NoticeId)!.AcknowledgedAt is not null);
        return TypedResults.Ok(new CaseNoticesResponse(id, counts, acknowledged, notices));
    }
}
