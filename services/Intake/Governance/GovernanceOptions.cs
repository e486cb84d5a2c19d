using System.ComponentModel.DataAnnotations;

namespace Intake.Governance;

/// <summary>Settings "Governance:*": the PEP 811 rules a team may set differently.</summary>
public sealed class GovernanceOptions : IValidatableObject
{
    public const string Section = "Governance";

    /// <summary>How long a nomination's vote stays open (default one week).</summary>
    [Range(1, 90 * 86_400)]
    public int VotePeriodSeconds { get; set; } = 7 * 86_400;

    /// <summary>Share of the current members who must have voted (yes, no or abstain) for a result (default half).</summary>
    [Range(0.0, 1.0)]
    public double QuorumFraction { get; set; } = 0.5;

    /// <summary>Yes votes needed, as a share of the votes cast (yes + no): ApprovalNumerator / ApprovalDenominator, default 2/3.</summary>
    [Range(1, 100)]
    public int ApprovalNumerator { get; set; } = 2;

    [Range(1, 100)]
    public int ApprovalDenominator { get; set; } = 3;

    /// <summary>Admins the team must keep at all times (default two).</summary>
    [Range(1, 100)]
    public int MinimumAdmins { get; set; } = 2;

    /// <summary>Default period of GET /team/inactivity when no "since" is given (default one year).</summary>
    [Range(1, 3_650)]
    public int InactivityDays { get; set; } = 365;

    public VoteRule Rule => new(QuorumFraction, ApprovalNumerator, ApprovalDenominator);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (ApprovalNumerator > ApprovalDenominator)
            yield return new ValidationResult("Governance:ApprovalNumerator must not exceed ApprovalDenominator",
                [nameof(ApprovalNumerator)]);
    }
}
