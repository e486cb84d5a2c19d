using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Data;
using Intake.Data;
using Intake.Members;
using Npgsql;

namespace Intake.Governance;

/// <summary>
/// A member leaves (or is removed): marked removed, every token revoked here at once and, through
/// MemberAccessRevoked on the outbox, in every other service; MemberLeft published; the cases they coordinate
/// listed for reassignment. Their audit entries keep their name (actor_name is copied when written).
/// </summary>
public static class Offboarding
{
    public static async Task<OffboardingResponse> OffboardAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Member member,
        Actor actor, Guid? removedBy, string? reason, string action, DateTimeOffset now)
    {
        now = await MemberStore.RevocationInstantAsync(conn, tx, member.Id, now);
        await MemberStore.MarkRemovedAsync(conn, tx, member.Id, removedBy, reason, now);
        var revoked = await MemberStore.RevokeAllTokensAsync(conn, tx, member.Id, now);
        await RevocationStore.RevokeAsync(conn, tx, member.Id, null, now);
        var cases = await TeamStore.OpenCasesCoordinatedByAsync(conn, tx, member.Id);
        await AuditLog.AppendAsync(conn, tx, actor, action, now,
            detail: new { memberId = member.Id, tokensRevoked = revoked, reason, casesToReassign = cases.Select(c => c.CaseId) });
        await Outbox.PublishAsync(conn, tx, new MemberAccessRevoked(member.Id, null, now));
        await Outbox.PublishAsync(conn, tx, new MemberLeft(member.Id, reason, removedBy, now));
        return new OffboardingResponse(member.Id, now, revoked, cases);
    }
}
