using Dapper;
using Npgsql;

namespace Intake.Governance;

/// <summary>Nominations and their votes. Every write takes the request's connection and transaction.</summary>
public static class NominationStore
{
    private const string Columns = """
        id, candidate_name, candidate_contact, public_handle, statement, nominated_by, nominated_at, closes_at, status,
        yes_votes, no_votes, abstentions, eligible_members, closed_at, veto_reason, vetoed_by, vetoed_at, member_id, onboarded_at
        """;

    private const string InsertSql = """
        INSERT INTO nominations (id, candidate_name, candidate_contact, public_handle, statement, nominated_by, nominated_at, closes_at)
        VALUES (@Id, @CandidateName, @CandidateContact, @PublicHandle, @Statement, @NominatedBy, @NominatedAt, @ClosesAt)
        """;

    private const string GetSql = $"SELECT {Columns} FROM nominations WHERE id = @Id";

    private const string GetForUpdateSql = $"SELECT {Columns} FROM nominations WHERE id = @Id FOR UPDATE";

    private const string ListSql = $"SELECT {Columns} FROM nominations ORDER BY nominated_at DESC, id";

    /// <summary>Insert or change: the primary key makes a second vote a change of the first.</summary>
    private const string UpsertVoteSql = """
        INSERT INTO nomination_votes (nomination_id, member_id, choice, cast_at) VALUES (@NominationId, @MemberId, @Choice, @At)
        ON CONFLICT (nomination_id, member_id)
        DO UPDATE SET choice = EXCLUDED.choice, cast_at = EXCLUDED.cast_at, changes = nomination_votes.changes + 1
        RETURNING changes
        """;

    private const string MyVoteSql = "SELECT choice FROM nomination_votes WHERE nomination_id = @NominationId AND member_id = @MemberId";

    private const string MyVotesSql = "SELECT nomination_id, choice FROM nomination_votes WHERE member_id = @MemberId";

    /// <summary>Only the votes of people who are still members when the vote closes count.</summary>
    private const string TallySql = """
        SELECT count(*) FILTER (WHERE v.choice = 'yes')     AS yes,
               count(*) FILTER (WHERE v.choice = 'no')      AS no,
               count(*) FILTER (WHERE v.choice = 'abstain') AS abstain
        FROM nomination_votes v JOIN members m ON m.id = v.member_id AND m.joined_at <= @ClosesAt AND (m.removed_at IS NULL OR m.removed_at > @ClosesAt)
        WHERE v.nomination_id = @Id
        """;

    private const string CloseSql = """
        UPDATE nominations SET status = @Status, yes_votes = @Yes, no_votes = @No, abstentions = @Abstain,
               eligible_members = @Eligible, closed_at = @At
        WHERE id = @Id AND status = 'open'
        """;

    private const string VetoSql = """
        UPDATE nominations SET veto_reason = @Reason, vetoed_by = @By, vetoed_at = @At,
               status = CASE WHEN status = 'accepted' THEN 'rejected' ELSE status END
        WHERE id = @Id AND veto_reason IS NULL AND member_id IS NULL
        """;

    private const string OnboardSql = """
        UPDATE nominations SET member_id = @MemberId, onboarded_at = @At
        WHERE id = @Id AND status = 'accepted' AND member_id IS NULL
        """;

    public static Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Nomination n) => conn.ExecuteAsync(InsertSql, n, tx);

    public static Task<Nomination?> GetAsync(NpgsqlConnection conn, Guid id, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<Nomination>(new CommandDefinition(GetSql, new { Id = id }, cancellationToken: ct));

    public static Task<Nomination?> GetForUpdateAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id) =>
        conn.QuerySingleOrDefaultAsync<Nomination>(GetForUpdateSql, new { Id = id }, tx);

    public static async Task<IReadOnlyList<Nomination>> ListAsync(NpgsqlConnection conn, CancellationToken ct) =>
        (await conn.QueryAsync<Nomination>(new CommandDefinition(ListSql, cancellationToken: ct))).ToList();

    /// <returns>true when the member had voted before (this vote replaced theirs).</returns>
    public static async Task<bool> CastAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid nominationId, Guid memberId, string choice, DateTimeOffset at) =>
        await conn.ExecuteScalarAsync<int>(UpsertVoteSql, new { NominationId = nominationId, MemberId = memberId, Choice = choice, At = at }, tx) > 0;

    public static Task<string?> MyVoteAsync(NpgsqlConnection conn, Guid nominationId, Guid memberId, CancellationToken ct) =>
        conn.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(MyVoteSql, new { NominationId = nominationId, MemberId = memberId }, cancellationToken: ct));

    public static async Task<Dictionary<Guid, string>> MyVotesAsync(NpgsqlConnection conn, Guid memberId, CancellationToken ct) =>
        (await conn.QueryAsync<(Guid NominationId, string Choice)>(new CommandDefinition(MyVotesSql, new { MemberId = memberId }, cancellationToken: ct)))
        .ToDictionary(v => v.NominationId, v => v.Choice);

    /// <summary>The votes of those who were members at the deadline (a vote is decided as it stood then, however late
    /// its CloseVote arrives).</summary>
    public static async Task<VoteTally> TallyAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, DateTimeOffset closesAt)
    {
        var row = await conn.QuerySingleAsync<(long Yes, long No, long Abstain)>(TallySql, new { Id = id, ClosesAt = closesAt }, tx);
        return new VoteTally((int)row.Yes, (int)row.No, (int)row.Abstain);
    }

    public static async Task<bool> CloseAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string status, VoteTally tally, int eligible, DateTimeOffset at) =>
        await conn.ExecuteAsync(CloseSql, new { Id = id, Status = status, tally.Yes, tally.No, tally.Abstain, Eligible = eligible, At = at }, tx) == 1;

    public static async Task<bool> VetoAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, string reason, Guid? by, DateTimeOffset at) =>
        await conn.ExecuteAsync(VetoSql, new { Id = id, Reason = reason, By = by, At = at }, tx) == 1;

    public static async Task<bool> MarkOnboardedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, Guid id, Guid memberId, DateTimeOffset at) =>
        await conn.ExecuteAsync(OnboardSql, new { Id = id, MemberId = memberId, At = at }, tx) == 1;
}
