using System.Text.Json.Nodes;
using Coord.Output;

namespace Coord.Commands;

/// <summary>Where a case stands: the embargo (scheduler) and its notices (notifier), reduced to counts.</summary>
public sealed record StatusSnapshot(
    Guid CaseId, string State, DateTimeOffset? StartedAt, DateTimeOffset? DisclosureAt, string? AdvisoryId,
    int Notices, int Pending, int Sent, int Deferred, int Failed, int Recipients, int Acknowledged, int Cancelled = 0)
{
    public static StatusSnapshot From(Guid caseId, JsonNode? embargo, JsonNode? notices)
    {
        var list = (notices?["notices"] as JsonArray ?? []).Where(n => n is not null).ToList();
        int Count(string state) => list.Count(n => n.S("state") == state);
        var recipients = list.Select(n => n.S("contactId")).Distinct().Count();
        // The notifier's count: it takes a contact by its newest notice's address (one readdressed since it acknowledged has not).
        var acknowledged = notices?["acknowledged"]?.GetValue<int>() ?? 0;
        return new StatusSnapshot(caseId, embargo is null ? "no embargo yet" : embargo.S("state"),
            Instant(embargo?["startedAt"]), Instant(embargo?["disclosureAt"]), embargo?["advisoryId"]?.ToString(),
            list.Count, Count("pending"), Count("sent"), Count("deferred"), Count("failed"), recipients, acknowledged, Count("cancelled"));
    }

    public string Countdown(DateTimeOffset now) => DisclosureAt switch
    {
        null => "no disclosure instant",
        { } at when at > now => $"disclosure {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, in {Format(at - now)}",
        { } at => $"disclosure {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z, {Format(now - at)} ago",
    };

    public IEnumerable<string> Lines(DateTimeOffset now)
    {
        yield return $"case {CaseId}: {State}; {Countdown(now)}" + (AdvisoryId is null ? "" : $"; advisory {AdvisoryId}");
        yield return $"notices: {Notices} total, {Sent} sent, {Deferred} deferred, {Failed} failed, {Pending} pending" +
                     (Cancelled > 0 ? $", {Cancelled} cancelled (the case was withdrawn, or their project excluded, before they went)" : "");
        yield return $"acknowledged: {Acknowledged} of {Recipients} recipients";
        if (Failed > 0) yield return $"failed notices stay failed until resent: fix the cause (address, key, mail server), then `coord resend {CaseId}`";
    }

    private static string Format(TimeSpan t) =>
        t.TotalDays >= 1 ? $"{(int)t.TotalDays}d {t.Hours}h {t.Minutes}m" : t.TotalHours >= 1 ? $"{(int)t.TotalHours}h {t.Minutes}m {t.Seconds}s" : $"{(int)t.TotalMinutes}m {t.Seconds}s";

    private static DateTimeOffset? Instant(JsonNode? node) => node is not null && DateTimeOffset.TryParse(node.ToString(), out var t) ? t : null;
}
