using Coordination.Contracts.Advisories;
using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Data;
using Disclosure.Data;
using Disclosure.Rendering;
using Npgsql;

namespace Disclosure.Publishing;

/// <summary>
/// Writes a publication inside the caller's transaction (which holds the case lock): the version with its three
/// records, the advisory row, and — on the first version — the AdvisoryPublished event (outbox) and the
/// announcement (queue row). Later draft revisions become new versions; a withdrawal is a version of its own. A draft
/// <see cref="Publishability"/> refuses is not published.
/// </summary>
public sealed partial class AdvisoryPublisher(MetadataFactory metadata, TimeProvider time, ILogger<AdvisoryPublisher> logger)
{
    public async Task<bool> PublishAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, int revision, AdvisoryDraft draft)
    {
        var existing = await AdvisoryStore.GetByCaseAsync(conn, tx, caseId);
        if (await AdvisoryStore.IsRevisionPublishedAsync(conn, tx, caseId, revision) || existing is not null && existing.CurrentRevision > revision)
        {
            LogAlreadyPublished(caseId, revision);
            return false;
        }
        if (existing?.WithdrawnAt is not null)
        {
            LogWithdrawn(caseId, revision);
            return false;
        }
        if (Publishability.Refusal(draft) is { } refusal)
        {
            // Not public yet: the publication waits, with its reason, for a later revision. Public: the current version stays.
            if (existing is null) await DraftStore.AddPendingAsync(conn, tx, caseId, revision, refusal);
            LogRefused(caseId, revision, refusal);
            return false;
        }

        var now = VersionInstant(existing);
        var advisoryId = existing?.AdvisoryId ?? $"{metadata.Options.IdPrefix}-{now.Year}-{await AdvisoryStore.NextNumberAsync(conn, tx, now.Year)}";
        var version = (existing?.CurrentVersion ?? 0) + 1;
        var published = existing?.PublishedAt ?? now;
        var summary = version == 1 ? "Initial public release" : $"Updated from draft revision {revision}";
        var history = await HistoryAsync(conn, tx, caseId, new RevisionEntry(version, now, summary));
        var meta = metadata.Create(advisoryId, version, published, now, history, isPublic: true);
        var records = RenderedRecords.Render(draft, meta);

        await AdvisoryStore.UpsertAsync(conn, tx, Row(caseId, advisoryId, draft, published, now, null, version, revision));
        await AdvisoryStore.InsertVersionAsync(conn, tx, caseId, VersionRow(version, revision, "publish", now, summary, records));
        if (version == 1)
        {
            await Outbox.PublishAsync(conn, tx, new AdvisoryPublished(caseId, advisoryId, draft.CveId, revision, now, Urls(draft, meta)));
            await AnnouncementStore.EnqueueAsync(conn, tx, caseId, version, metadata.Options.AnnounceTo,
                AnnouncementComposer.Subject(draft, advisoryId), AnnouncementComposer.Body(draft, meta));
        }
        else
        {
            // Not announced again; but if the list has not taken the first announcement yet, it gets this version.
            await AnnouncementStore.ReviseUnsentAsync(conn, tx, caseId, AnnouncementComposer.Subject(draft, advisoryId), AnnouncementComposer.Body(draft, meta));
        }
        LogPublished(caseId, advisoryId, version, revision);
        return true;
    }

    /// <summary>Withdraws the case's public advisory at <paramref name="memberId"/>'s request: a new version of each
    /// record, and AdvisoryWithdrawn (intake closes the case, its timeline says who and why).</summary>
    public async Task<bool> WithdrawAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, string reason, Guid memberId)
    {
        var existing = await AdvisoryStore.GetByCaseAsync(conn, tx, caseId);
        if (existing is null || existing.WithdrawnAt is not null)
        {
            LogNothingToWithdraw(caseId);
            return false;
        }
        var draft = await DraftStore.GetAsync(conn, tx, caseId, existing.CurrentRevision)
                    ?? throw new InvalidOperationException("the published revision's draft is missing");
        await AnnouncementStore.DropUnsentAsync(conn, tx, caseId);
        var now = VersionInstant(existing);
        var version = existing.CurrentVersion + 1;
        var summary = "Withdrawn: " + reason;
        var history = await HistoryAsync(conn, tx, caseId, new RevisionEntry(version, now, summary));
        var meta = metadata.Create(existing.AdvisoryId, version, existing.PublishedAt, now, history, isPublic: true, now, reason);
        var records = RenderedRecords.Render(draft, meta);
        await AdvisoryStore.UpsertAsync(conn, tx, Row(caseId, existing.AdvisoryId, draft, existing.PublishedAt, now, now, version, existing.CurrentRevision));
        await AdvisoryStore.InsertVersionAsync(conn, tx, caseId, VersionRow(version, existing.CurrentRevision, "withdraw", now, summary, records));
        await Outbox.PublishAsync(conn, tx, new AdvisoryWithdrawn(caseId, existing.AdvisoryId, version, reason, memberId, now));
        LogWithdrawnNow(caseId, existing.AdvisoryId, version, memberId);
        return true;
    }

    /// <summary>
    /// The instant a new version is stamped with: now, or, when that is within the whole second the records wrote for the
    /// version before it (or earlier), the next whole second, so that every version's OSV <c>modified</c>, CVE <c>dateUpdated</c>, CSAF
    /// <c>current_release_date</c> and feed <c>updated</c> move on (a mirror comparing them must see the change), also for
    /// two versions in one second or an instance whose clock is behind the one that wrote the last.
    /// </summary>
    private DateTimeOffset VersionInstant(AdvisoryRow? previous)
    {
        var now = time.GetUtcNow();
        if (previous is null) return now;
        var last = WholeSecond(previous.ModifiedAt);
        return WholeSecond(now) <= last ? last.AddSeconds(1) : now;

        static DateTimeOffset WholeSecond(DateTimeOffset t) => t.AddTicks(-(t.UtcTicks % TimeSpan.TicksPerSecond));
    }

    public static IReadOnlyList<string> Urls(AdvisoryDraft draft, PublicationMetadata meta) =>
        draft.CveId is null
            ? [meta.Url(".osv.json"), meta.CsafUrl]
            : [meta.Url(".osv.json"), meta.Url(".cve.json"), meta.CsafUrl];

    private static async Task<IReadOnlyList<RevisionEntry>> HistoryAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, RevisionEntry next) =>
        [.. (await AdvisoryStore.GetHistoryAsync(conn, tx, caseId)).Select(v => new RevisionEntry(v.Version, v.PublishedAt, v.Summary)), next];

    private static AdvisoryRow Row(Guid caseId, string advisoryId, AdvisoryDraft draft, DateTimeOffset published, DateTimeOffset modified,
        DateTimeOffset? withdrawn, int version, int revision) => new()
    {
        CaseId = caseId,
        AdvisoryId = advisoryId,
        CveId = draft.CveId,
        Title = draft.Title,
        Ecosystems = draft.Affected.Select(p => p.Ecosystem).Distinct().ToArray(),
        Packages = draft.Affected.Select(p => p.Name).Distinct().ToArray(),
        PublishedAt = published,
        ModifiedAt = modified,
        WithdrawnAt = withdrawn,
        CurrentVersion = version,
        CurrentRevision = revision,
    };

    private static AdvisoryVersionRow VersionRow(int version, int revision, string kind, DateTimeOffset at, string summary, RenderedRecords r) => new()
    {
        Version = version, Revision = revision, Kind = kind, PublishedAt = at, Summary = summary, Osv = r.Osv, Cve = r.Cve, Csaf = r.Csaf,
    };

    [LoggerMessage(LogLevel.Information, "Published advisory {AdvisoryId} version {Version} for case {CaseId} from revision {Revision}")]
    private partial void LogPublished(Guid caseId, string advisoryId, int version, int revision);

    [LoggerMessage(LogLevel.Information, "Case {CaseId} revision {Revision} already published (or superseded); nothing to do")]
    private partial void LogAlreadyPublished(Guid caseId, int revision);

    [LoggerMessage(LogLevel.Warning, "Case {CaseId} revision {Revision} not published: {Reason}")]
    private partial void LogRefused(Guid caseId, int revision, string reason);

    [LoggerMessage(LogLevel.Warning, "Case {CaseId} advisory is withdrawn; revision {Revision} not published")]
    private partial void LogWithdrawn(Guid caseId, int revision);

    [LoggerMessage(LogLevel.Information, "Withdrew advisory {AdvisoryId} (version {Version}) of case {CaseId} at the request of member {MemberId}")]
    private partial void LogWithdrawnNow(Guid caseId, string advisoryId, int version, Guid memberId);

    [LoggerMessage(LogLevel.Warning, "Case {CaseId} has no public advisory to withdraw")]
    private partial void LogNothingToWithdraw(Guid caseId);
}
