namespace DownstreamNotifier.Apis;

/// <param name="AffectedPackages">the draft's affected packages as matching reads them: canonical purls (normalised name, no version).</param>
public sealed record RecipientsResponse(Guid CaseId, DateTimeOffset? DisclosureAt, int MaxDepth, IReadOnlyList<string> AffectedPackages,
    IReadOnlyList<RecipientView> Recipients, IReadOnlyList<string> Warnings);
