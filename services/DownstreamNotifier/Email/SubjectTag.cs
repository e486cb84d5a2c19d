namespace DownstreamNotifier.Email;

/// <summary>The one place that says how a case is named in subjects: [COORD-first 8 hex digits of its id].</summary>
public static class SubjectTag
{
    public static string ShortId(Guid caseId) => caseId.ToString("N")[..8];

    public static string For(Guid caseId) => $"[COORD-{ShortId(caseId)}]";
}
