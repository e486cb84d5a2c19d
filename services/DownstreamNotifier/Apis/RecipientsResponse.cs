namespace DownstreamNotifier.Apis;

public sealed record RecipientsResponse(Guid CaseId, DateTimeOffset? DisclosureAt, int MaxDepth, IReadOnlyList<string> AffectedPackages,
    IReadOnlyList<RecipientView> Recipients, IReadOnlyList<string> Warnings);
