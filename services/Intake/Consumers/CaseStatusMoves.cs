namespace Intake.Consumers;

/// <summary>
/// How other services' events move a case's status (statements on cases, parameter @CaseId and the event's values). Events are consumed in
/// no set order, so each move says which statuses it may leave.
/// </summary>
public static class CaseStatusMoves
{
    /// <summary>Moves only an open or embargo-requested case; under a requested withdrawal, becomes what a refusal falls
    /// back to. Keeps the instant (@DisclosureAt) as <see cref="EmbargoExtended"/> does.</summary>
    public const string EmbargoStarted = """
        UPDATE cases SET
            status = CASE WHEN status IN ('open', 'embargo-requested') THEN 'embargoed' ELSE status END,
            status_before_withdrawal = CASE WHEN status = 'withdrawal-requested' THEN 'embargoed' ELSE status_before_withdrawal END,
            disclosure_at = greatest(disclosure_at, @DisclosureAt)
        WHERE id = @CaseId
        """;

    /// <summary>An extension only moves the instant later, so the latest one heard of is current, whatever the order of
    /// arrival (greatest ignores NULL).</summary>
    public const string EmbargoExtended = "UPDATE cases SET disclosure_at = greatest(disclosure_at, @DisclosureAt) WHERE id = @CaseId";

    /// <summary>A broken embargo is disclosed at once (@BrokenAt).</summary>
    public const string EmbargoBroken = "UPDATE cases SET embargo_broken_at = coalesce(embargo_broken_at, @BrokenAt) WHERE id = @CaseId";

    public const string Withdrawn = "UPDATE cases SET status = 'withdrawn' WHERE id = @CaseId";

    /// <summary>Not a case withdrawn: its advisory, withdrawn once public, stays so (AdvisoryWithdrawn may come first).</summary>
    public const string Disclosed = "UPDATE cases SET status = 'disclosed' WHERE id = @CaseId AND status <> 'withdrawn'";

    /// <summary>A refused embargo leaves the case open.</summary>
    public const string EmbargoRefused = "UPDATE cases SET status = 'open' WHERE id = @CaseId AND status = 'embargo-requested'";

    /// <summary>A refused withdrawal puts back the status the case had when it was requested.</summary>
    public const string WithdrawalRefused = """
        UPDATE cases SET status = coalesce(status_before_withdrawal, 'open'), status_before_withdrawal = NULL
        WHERE id = @CaseId AND status = 'withdrawal-requested'
        """;
}
