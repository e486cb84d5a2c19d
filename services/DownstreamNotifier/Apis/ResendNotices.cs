using System.Security.Claims;
using Coordination.Contracts.Notices;
using Coordination.Hosting.Auth;
using DownstreamNotifier.Consumers;
using DownstreamNotifier.Data;
using DownstreamNotifier.Delivery;
using DownstreamNotifier.Recipients;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Apis;

/// <summary>
/// POST /cases/{id}/notices/resend: a member puts a case's failed notices (all, or those of the contacts named) back in
/// the senders' queue, once the cause is fixed (the contact's address or key, the mail server); and those an exclusion
/// cancelled, once the project is no longer excluded. Each goes to the
/// contact as a recipient of the case now (current address and key; the mode chosen again, so an exclusion or a channel
/// that requires encryption since is heeded; an address now told as another of its contacts goes as that one), with its
/// attempts counted afresh, and to no address its round has told already (<see cref="RoundsTold"/>); one that would say
/// something no longer true stays failed, with the reason in the answer (<see cref="ResendRule"/>). Its round reports
/// its progress again and a second DownstreamNotified with the new counts.
/// </summary>
public static partial class ResendNotices
{
    private const int MaxContacts = 10_000;

    public static async Task<Results<Accepted<ResendResponse>, ValidationProblem>> Post(Guid id, ResendRequest? request, ClaimsPrincipal user,
        NpgsqlDataSource db, NoticeSignal signal, IOptions<NotifierOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken ct)
    {
        var contactIds = request?.ContactIds?.Distinct().ToArray();
        if (contactIds is { Length: 0 })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                { ["contactIds"] = ["names no contact; leave it out to resend every failed notice of the case"] });
        if (contactIds is { Length: > MaxContacts })
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contactIds"] = [$"at most {MaxContacts} contacts"] });

        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await CaseLock.TakeAsync(conn, tx, id); // a withdrawal cancelling the case's notices falls before or after, not between
        if (contactIds is not null)
        {
            var known = await ResendStore.ContactsWithNoticesAsync(conn, tx, id, contactIds);
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < request!.ContactIds!.Count; i++)
                if (!known.Contains(request.ContactIds[i])) errors[$"contactIds[{i}]"] = ["has no notice in this case"];
            if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        }

        var (resent, notResent) = await RequeueAsync(conn, tx, id, contactIds, options.Value, time.GetUtcNow(), _ => true);
        await tx.CommitAsync(ct);
        if (resent.Count > 0) signal.Pulse();
        LogResent(loggers.CreateLogger(typeof(ResendNotices)), id, resent.Count, notResent.Count, user.MemberId());
        return TypedResults.Accepted($"/cases/{id}/notices", new ResendResponse(id, resent, notResent));
    }

    /// <summary>
    /// Puts the case's failed and cancelled notices (of <paramref name="contactIds"/>, null for all; those
    /// <paramref name="which"/> picks) back in the senders' queue where <see cref="ResendRule"/> and
    /// <see cref="RoundsTold"/> allow; the caller holds the case's lock and pulses the senders after committing.
    /// </summary>
    public static async Task<(List<ResentNotice> Resent, List<NotResentNotice> NotResent)> RequeueAsync(NpgsqlConnection conn, NpgsqlTransaction tx,
        Guid caseId, Guid[]? contactIds, NotifierOptions options, DateTimeOffset now, Func<FailedNotice, bool> which)
    {
        var failed = (await ResendStore.FailedAsync(conn, tx, caseId, contactIds)).Where(which).ToList();
        var embargo = await CaseStore.EmbargoAsync(conn, caseId, tx);
        var acknowledged = await NoticeStore.AcknowledgedAddressesAsync(conn, tx, caseId); // by address, as Reminder rounds judge
        var recipients = failed.Count == 0 ? [] : await RecipientsNowAsync(conn, tx, caseId, options);
        var byAddress = recipients.Values.ToDictionary(r => r.Email.ToLowerInvariant());
        var told = await ResendStore.RoundsToldAsync(conn, tx, failed.Select(n => n.NotificationId).Distinct().ToArray());
        // An Embargoed notice no longer counting as warning (an exclusion cancelled it) may have been followed by a
        // warning of another round, to the same address as another of its contacts: that one told it already.
        var warnedElsewhere = new Dictionary<Guid, Func<Recipient, bool>>();
        foreach (var round in failed.Where(n => n.Kind == NoticeKinds.Embargoed).Select(n => n.NotificationId).Distinct())
            warnedElsewhere[round] = await NewRecipientsRound.WarnedAsync(conn, tx, caseId, round);
        var resent = new List<(FailedNotice Notice, Recipient Recipient, string Mode)>();
        var notResent = new List<NotResentNotice>();
        foreach (var n in failed)
        {
            // An address that is a contact of several projects is one recipient, told as whichever contact the
            // resolver chooses now (a key added to the other one, an exclusion): the notice goes as that contact.
            var recipient = recipients.GetValueOrDefault(n.ContactId);
            if (recipient is null && !n.ContactDeleted && byAddress.TryGetValue(n.Email.ToLowerInvariant(), out var sameAddress)) recipient = sameAddress;
            var hasAcknowledged = recipient is not null && acknowledged.Contains(recipient.Email.ToLowerInvariant());
            var reason = ResendRule.WhyNot(n, embargo, recipient, hasAcknowledged, now) ?? told.WhyNot(n, recipient!)
                         ?? (warnedElsewhere.TryGetValue(n.NotificationId, out var warned) && warned(recipient!) ? AlreadyWarned : null);
            if (reason is not null) notResent.Add(new(n.NoticeId, n.ContactId, n.Email, n.Kind, reason));
            else
            {
                told.Take(n, recipient!);
                resent.Add((n, recipient!, NoticeModes.For(recipient!, options, embargo!.Channels, now)));
            }
        }
        if (resent.Count > 0) await ResendStore.RequeueAsync(conn, tx, resent, now);
        return (resent.Select(r => new ResentNotice(r.Notice.NoticeId, r.Recipient.ContactId, r.Recipient.Email, r.Notice.Kind, r.Mode, r.Notice.LastError,
            r.Recipient.ContactId == r.Notice.ContactId ? null : r.Notice.ContactId)).ToList(), notResent);
    }

    public const string AlreadyWarned = "already warned by another round's Embargoed notice";

    /// <summary>The case's recipients as a round recorded now would choose them: the graph for the current draft and
    /// overrides, plus the contacts told before (marked when their project was excluded since).</summary>
    internal static async Task<Dictionary<Guid, Recipient>> RecipientsNowAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid caseId, NotifierOptions o)
    {
        var draft = await CaseStore.DraftAsync(conn, caseId, tx);
        var told = await NoticeStore.EarlierRecipientsAsync(conn, tx, caseId);
        var byContact = new Dictionary<Guid, Recipient>();
        foreach (var r in await RecipientResolver.ResolveAsync(conn, caseId, draft, o.MaxDepth, tx, told)) byContact.TryAdd(r.ContactId, r);
        return byContact;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId}: {Resent} failed notices queued again ({NotResent} out of date or undeliverable) at the request of member {MemberId}")]
    private static partial void LogResent(ILogger logger, Guid caseId, int resent, int notResent, Guid memberId);
}
