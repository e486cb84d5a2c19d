using System.Globalization;
using System.Text;
using Coordination.Advisories;
using Coordination.Contracts.Advisories;
using Disclosure.Rendering;

namespace Disclosure.Publishing;

/// <summary>The announcement mail: subject "[CVE or id] title", the advisory as text with credits and links.</summary>
public static class AnnouncementComposer
{
    public static string Subject(AdvisoryDraft draft, string advisoryId) => $"[{draft.CveId ?? advisoryId}] {draft.Title}";

    public static string Body(AdvisoryDraft draft, PublicationMetadata meta)
    {
        var b = new StringBuilder();
        b.AppendLine(draft.Title).AppendLine(new string('=', Math.Min(draft.Title.Length, 72))).AppendLine();
        b.AppendLine($"Advisory: {meta.AdvisoryId}");
        if (draft.CveId is not null) b.AppendLine($"CVE:      {draft.CveId}");
        b.AppendLine($"Published: {Timestamps.Rfc3339(meta.Published)}");
        if (draft.Severity is { } s) b.AppendLine(SeverityLine(s.CvssVector));
        if (draft.Cwes.Count > 0) b.AppendLine($"Weakness: {string.Join(", ", draft.Cwes)}");
        b.AppendLine();
        foreach (var paragraph in new[] { draft.Summary, draft.Details }.Where(t => !string.IsNullOrWhiteSpace(t)))
            b.AppendLine(paragraph).AppendLine();
        b.AppendLine("Affected packages:");
        foreach (var p in draft.Affected)
        {
            b.AppendLine($"  - {p.Ecosystem} {p.Name}");
            foreach (var r in p.Ranges)
            {
                if (r.Repo is not null) b.AppendLine($"      in {r.Repo}:");
                foreach (var e in r.Events)
                {
                    if (e.Introduced is not null) b.AppendLine($"      introduced {e.Introduced}");
                    if (e.Fixed is not null) b.AppendLine($"      fixed in {e.Fixed}");
                    if (e.LastAffected is not null) b.AppendLine($"      last affected {e.LastAffected}");
                    if (e.Limit is not null) b.AppendLine($"      limit {e.Limit}");
                }
            }
            if (p.Versions is { Count: > 0 } versions) b.AppendLine($"      affected versions {string.Join(", ", versions)}");
        }
        if (!string.IsNullOrWhiteSpace(draft.Remediation)) b.AppendLine().AppendLine("Remediation:").AppendLine(draft.Remediation);
        if (draft.Credits.Count > 0)
        {
            b.AppendLine().AppendLine("Credits:");
            foreach (var c in draft.Credits) b.AppendLine($"  - {c.Name} ({CreditNames.Summary(c)})");
        }
        b.AppendLine().AppendLine("Records:");
        b.AppendLine($"  OSV:      {meta.Url(".osv.json")}");
        if (draft.CveId is not null) b.AppendLine($"  CVE JSON: {meta.Url(".cve.json")}");
        b.AppendLine($"  CSAF:     {meta.CsafUrl}");
        if (draft.References.Count > 0)
        {
            b.AppendLine().AppendLine("References:");
            foreach (var r in draft.References) b.AppendLine($"  - {r.Url}");
        }
        return b.ToString();
    }

    /// <summary>The score and rating the vector computes, never the rating typed in the draft (a vector that computes
    /// nothing, as a draft older than intake's vector check might hold, is shown alone).</summary>
    private static string SeverityLine(string vector) => CvssVector.Score(vector) is { } score
        ? $"Severity: {score.ToString("0.0", CultureInfo.InvariantCulture)} {CvssSeverity.Rating(score)} ({vector})"
        : $"Severity: {vector}";
}
