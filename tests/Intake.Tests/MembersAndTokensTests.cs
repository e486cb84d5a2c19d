using System.Net;
using System.Net.Http.Json;
using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Dapper;
using Intake.Tests.Support;
using Npgsql;

namespace Intake.Tests;

public sealed class MembersAndTokensTests : IAsyncLifetime
{
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    private async Task<(Guid Id, string Token, Guid TokenId)> AddMemberWithToken(HttpClient admin, string handle, string role = Roles.Member)
    {
        var created = await admin.Post("members", new { name = "Ann " + handle, email = handle + "@example.org", publicHandle = handle, role });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Json()).GetProperty("id").GetGuid();
        var issued = await admin.Post($"members/{id}/tokens", new { });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var json = await issued.Json();
        return (id, json.GetProperty("token").GetString()!, json.GetProperty("tokenId").GetGuid());
    }

    [Fact]
    public async Task An_issued_token_identifies_its_member_and_is_stored_only_as_a_hash()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var (id, token, tokenId) = await AddMemberWithToken(admin, "ann");

        using var member = f.Host.Client(token);
        var me = await (await member.GetAsync("me")).Json();
        Assert.Equal(id, me.GetProperty("memberId").GetGuid());
        Assert.Equal(tokenId, me.GetProperty("tokenId").GetGuid());
        Assert.Equal("ann", me.GetProperty("publicHandle").GetString());

        await using var conn = new NpgsqlConnection(f.Isolation.ConnectionString);
        var stored = await conn.QuerySingleAsync<string>("SELECT token_hash FROM intake.member_tokens WHERE id = @tokenId", new { tokenId });
        Assert.Equal(MemberTokenCodec.Hash(token), stored);
        var anywhere = await conn.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM intake.member_tokens t WHERE t::text LIKE '%' || @token || '%'", new { token });
        Assert.Equal(0, anywhere);
        await f.Bus.WaitForAsync<MemberJoined>(m => m.MemberId == id);
    }

    [Fact]
    public async Task A_revoked_token_stops_working_at_once_and_the_revocation_is_published()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var (id, token, tokenId) = await AddMemberWithToken(admin, "bob");
        var (_, otherToken, _) = await AddMemberWithToken(admin, "bob2");
        using var member = f.Host.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"members/{id}/tokens/{tokenId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await member.GetAsync("me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Client(otherToken).GetAsync("me")).StatusCode);
        var revoked = await f.Bus.WaitForAsync<MemberAccessRevoked>(m => m.MemberId == id);
        Assert.Equal(tokenId, revoked.TokenId);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"members/{id}/tokens/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_role_change_or_removal_revokes_a_token_another_instance_issued_by_a_clock_running_ahead()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        foreach (var (handle, revoke) in new (string, Func<Guid, Task<HttpResponseMessage>>)[]
                 {
                     ("cara", id => admin.Put($"team/{id}/role", new { role = Roles.Admin })),
                     ("dan", id => admin.Post($"team/{id}/removal", new { reason = "left the project" })),
                 })
        {
            var (id, _, _) = await AddMemberWithToken(admin, handle);
            // Issued, under the member's lock, by an instance whose clock is 5 s ahead of this one's: the revocation
            // that follows must still cover it (it used to be revoked as of this instance's earlier "now").
            var ahead = new MemberToken(Guid.NewGuid(), id, "Ann " + handle, Roles.Member, DateTimeOffset.UtcNow.AddSeconds(5), null);
            var text = f.Host.Service<MemberTokenCodec>().Encode(ahead);
            await using (var conn = new NpgsqlConnection(f.Isolation.ConnectionString))
                await conn.ExecuteAsync("INSERT INTO intake.member_tokens (id, member_id, token_hash, issued_at) VALUES (@TokenId, @MemberId, @Hash, @IssuedAt)",
                    new { ahead.TokenId, ahead.MemberId, Hash = MemberTokenCodec.Hash(text), ahead.IssuedAt });
            using var holder = f.Host.Client(text);
            Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("me")).StatusCode);

            Assert.True((await revoke(id)).IsSuccessStatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await holder.GetAsync("me")).StatusCode);
        }
    }

    [Fact]
    public async Task A_token_issued_after_a_role_change_recorded_by_a_clock_running_ahead_is_not_revoked_by_it()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var (id, _, _) = await AddMemberWithToken(admin, "erin");
        // Another instance, its clock 5 s ahead, changed the member's role: their tokens are revoked as of its "now".
        await using (var conn = new NpgsqlConnection(f.Isolation.ConnectionString))
            await conn.ExecuteAsync("INSERT INTO intake.revoked_members (member_id, revoked_at) VALUES (@Id, now() + interval '5 seconds')", new { Id = id });

        var issued = await admin.Post($"members/{id}/tokens", new { });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        using var holder = f.Host.Client((await issued.Json()).GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("me")).StatusCode);
    }

    [Fact]
    public async Task Removing_a_member_revokes_all_their_tokens_and_publishes_it()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var (id, token1, _) = await AddMemberWithToken(admin, "carol");
        var token2 = (await (await admin.Post($"members/{id}/tokens", new { expiresAt = DateTimeOffset.UtcNow.AddDays(30) })).Json())
            .GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await f.Host.Client(token2).GetAsync("me")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"members/{id}?reason=left")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Client(token1).GetAsync("me")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Client(token2).GetAsync("me")).StatusCode);
        var revoked = await f.Bus.WaitForAsync<MemberAccessRevoked>(m => m.MemberId == id);
        Assert.Null(revoked.TokenId);
        await f.Bus.WaitForAsync<MemberLeft>(m => m.MemberId == id && m.Reason == "left");
        var list = await (await admin.GetAsync("members")).Json();
        Assert.DoesNotContain(list.EnumerateArray(), m => m.GetProperty("id").GetGuid() == id);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Post($"members/{id}/tokens", new { })).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var expired = Coordination.Testing.TestTokens.Issue(f.Isolation.SigningKey, Roles.Admin, expiresAt: DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Client(expired).GetAsync("members")).StatusCode);
        var forged = f.Host.Token(Roles.Admin)[..^3] + "AAA";
        Assert.Equal(HttpStatusCode.Unauthorized, (await f.Host.Client(forged).GetAsync("members")).StatusCode);
    }

    [Fact]
    public async Task A_new_member_with_bad_fields_is_refused_naming_each_field()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var response = await admin.Post("members", new { name = "", email = "not-an-email", publicHandle = "-bad handle", role = "owner" });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(["email", "name", "publicHandle", "role"], (await response.ErrorFields()).Order());
        // "$" matched before a final newline: "dave\n" passed, and listed beside "dave" on the public team page.
        Assert.Equal(["publicHandle"], await (await admin.Post("members", new { name = "Dave", email = "dave-nl@example.org", publicHandle = "dave\n", role = "member" })).ErrorFields());

        await AddMemberWithToken(admin, "dave");
        var duplicate = await admin.Post("members", new { name = "Other", email = "DAVE@example.org", publicHandle = "dave2", role = "member" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        var pastExpiry = await admin.Post($"members/{Guid.NewGuid()}/tokens", new { expiresAt = DateTimeOffset.UtcNow.AddDays(-1) });
        Assert.Equal(["expiresAt"], await pastExpiry.ErrorFields());
    }

    [Fact]
    public async Task The_last_admin_cannot_be_removed()
    {
        using var root = f.Host.Client(f.Host.Token(Roles.Admin));
        var (adminId, adminToken, _) = await AddMemberWithToken(root, "root", Roles.Admin);
        using var admin = f.Host.Client(adminToken);
        var refused = await admin.DeleteAsync($"members/{adminId}?reason=stepping%20down");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("me")).StatusCode);
    }
}
