using Coordination.Hosting.Auth;
using Intake.Data;
using Intake.Members;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Intake.Governance;

/// <summary>
/// The one place of the "at least N admins" rule (PEP 811: two). Every removal, departure and role change of an
/// admin asks it first, inside its transaction, under the membership lock, so two concurrent removals cannot
/// both pass.
/// </summary>
public sealed class AdminMinimum(IOptions<GovernanceOptions> options)
{
    public int Minimum => options.Value.MinimumAdmins;

    /// <returns>The reason the change is refused, or null when it keeps enough admins.</returns>
    /// <param name="newRole">The member's role after the change; null when they leave.</param>
    public async Task<string?> RefusalAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Member member, string? newRole)
    {
        await MemberStore.LockMembershipAsync(conn, tx);
        if (member.Role != Roles.Admin || newRole == Roles.Admin || member.RemovedAt is not null) return null;
        var admins = await MemberStore.CountCurrentAdminsAsync(conn, tx);
        return admins - 1 < Minimum
            ? $"The team must keep at least {Minimum} admins; this would leave {admins - 1}. Make another member admin first."
            : null;
    }
}
