using System.Net;
using Coordination.Contracts.Members;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Dapper;
using Intake.Governance;
using Intake.Tests.Support;
using MassTransit;
using Npgsql;
using static Intake.Tests.Governance.GovernanceTeam;

namespace Intake.Tests.Governance;

/// <summary>Nominations and votes against the real broker and database, with a short vote period.</summary>
public sealed class VotingTests : IAsyncLifetime
{
    private IntakeFixture f = null!;
    private GovernanceTeam team = null!;

    public async Task InitializeAsync()
    {
        f = await IntakeFixture.StartAsync(new Dictionary<string, string> { ["Governance__VotePeriodSeconds"] = "4" });
        team = new GovernanceTeam(f);
    }

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task Six_yes_three_no_is_accepted_and_five_yes_three_no_is_rejected()
    {
        var m = await team.AddManyAsync(9, "tt");
        var (sixThree, closes) = await NominateAsync(m[0].Http, "cand-six");
        var (fiveThree, closes2) = await NominateAsync(m[0].Http, "cand-five");
        await VoteAllAsync(m[..6], sixThree, VoteChoices.Yes);
        await VoteAllAsync(m[6..], sixThree, VoteChoices.No);
        await VoteAllAsync(m[..5], fiveThree, VoteChoices.Yes);
        await VoteAllAsync(m[5..8], fiveThree, VoteChoices.No);

        await team.CloseAfterDeadlineAsync(sixThree, closes);
        await team.CloseAfterDeadlineAsync(fiveThree, closes2);

        var accepted = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == sixThree);
        Assert.Equal(("accepted", 6, 3, 0), (accepted.Result, accepted.Yes, accepted.No, accepted.Abstain));
        var rejected = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == fiveThree);
        Assert.Equal(("rejected", 5, 3, 0), (rejected.Result, rejected.Yes, rejected.No, rejected.Abstain));
        var shown = await team.GetAsync(m[8].Http, fiveThree);
        Assert.Equal("rejected", shown.GetProperty("status").GetString());
        Assert.Equal(5, shown.GetProperty("tally").GetProperty("yes").GetInt32());
        Assert.Equal(9, shown.GetProperty("tally").GetProperty("eligibleMembers").GetInt32());
    }

    [Fact]
    public async Task Without_a_quorum_of_half_the_members_a_unanimous_vote_is_rejected()
    {
        var m = await team.AddManyAsync(9, "qq");
        var (four, closes) = await NominateAsync(m[0].Http, "cand-four");
        var (fourAndAbstain, closes2) = await NominateAsync(m[0].Http, "cand-four-one");
        await VoteAllAsync(m[..4], four, VoteChoices.Yes);
        await VoteAllAsync(m[..4], fourAndAbstain, VoteChoices.Yes);
        await VoteAsync(m[4].Http, fourAndAbstain, VoteChoices.Abstain);

        await team.CloseAfterDeadlineAsync(four, closes);
        await team.CloseAfterDeadlineAsync(fourAndAbstain, closes2);

        Assert.Equal("rejected", (await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == four)).Result);
        Assert.Equal("accepted", (await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == fourAndAbstain)).Result);
    }

    [Fact]
    public async Task A_vote_closed_late_is_decided_by_the_members_at_its_deadline_not_those_who_joined_since()
    {
        var m = await team.AddManyAsync(4, "dl");
        var (id, closes) = await NominateAsync(m[0].Http, "cand-late");
        await VoteAllAsync(m[..3], id, VoteChoices.Yes);
        var wait = closes - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        // The CloseVote is late (the clock was down); meanwhile more members joined, who could not vote.
        await team.AddManyAsync(6, "dl-new");

        await team.CloseAfterDeadlineAsync(id, closes);
        var closed = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == id);
        Assert.Equal(("accepted", 3, 0, 0), (closed.Result, closed.Yes, closed.No, closed.Abstain));
        var shown = await team.GetAsync(m[1].Http, id);
        Assert.InRange(shown.GetProperty("tally").GetProperty("eligibleMembers").GetInt32(), 4, 5); // the four, and the admin adding them
    }

    [Fact]
    public async Task Abstentions_make_the_quorum_but_are_not_votes_cast()
    {
        var m = await team.AddManyAsync(6, "ab");
        var (twoOfThree, closes) = await NominateAsync(m[0].Http, "cand-abs");
        var (onlyAbstained, closes2) = await NominateAsync(m[0].Http, "cand-none");
        await VoteAllAsync(m[..2], twoOfThree, VoteChoices.Yes);
        await VoteAsync(m[2].Http, twoOfThree, VoteChoices.No);
        await VoteAllAsync(m[3..], twoOfThree, VoteChoices.Abstain);
        await VoteAllAsync(m, onlyAbstained, VoteChoices.Abstain);

        await team.CloseAfterDeadlineAsync(twoOfThree, closes);
        await team.CloseAfterDeadlineAsync(onlyAbstained, closes2);

        var closed = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == twoOfThree);
        Assert.Equal(("accepted", 2, 1, 3), (closed.Result, closed.Yes, closed.No, closed.Abstain));
        Assert.Equal("rejected", (await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == onlyAbstained)).Result);
    }

    [Fact]
    public async Task A_second_vote_changes_the_first_counts_once_and_stays_secret_until_close()
    {
        var m = await team.AddManyAsync(3, "ch");
        var (id, closes) = await NominateAsync(m[0].Http, "cand-change");

        Assert.False((await VoteAsync(m[1].Http, id, VoteChoices.No)).GetProperty("changed").GetBoolean());
        Assert.True((await VoteAsync(m[1].Http, id, VoteChoices.Yes)).GetProperty("changed").GetBoolean());
        Assert.True((await VoteAsync(m[1].Http, id, VoteChoices.Yes)).GetProperty("changed").GetBoolean());
        await VoteAsync(m[2].Http, id, VoteChoices.Yes);

        var whileOpen = await team.GetAsync(m[1].Http, id);
        Assert.Equal("open", whileOpen.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, whileOpen.GetProperty("tally").ValueKind);
        Assert.Equal("yes", whileOpen.GetProperty("myVote").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, (await team.GetAsync(m[0].Http, id)).GetProperty("myVote").ValueKind);
        var listed = await (await m[0].Http.GetAsync("nominations")).Json();
        Assert.DoesNotContain("\"yes\"", listed.GetRawText());

        await using (var conn = new NpgsqlConnection(f.Isolation.ConnectionString))
        {
            Assert.Equal(1, await conn.ExecuteScalarAsync<int>(
                "SELECT count(*) FROM intake.nomination_votes WHERE nomination_id = @id AND member_id = @m", new { id, m = m[1].Id }));
            var audited = (await conn.QueryAsync<string>("SELECT detail::text FROM intake.audit_log WHERE action LIKE 'nomination.vote%' AND detail->>'nominationId' = @id",
                new { id = id.ToString() })).ToList();
            Assert.Equal(4, audited.Count); // each of the four votes cast so far, none saying how
            Assert.All(audited, d => Assert.DoesNotContain("yes", d));
        }

        await team.CloseAfterDeadlineAsync(id, closes);
        var closed = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == id);
        Assert.Equal((2, 0, 0), (closed.Yes, closed.No, closed.Abstain));
        var late = await m[0].Http.Put($"nominations/{id}/vote", new { choice = "no" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task CloseVote_through_the_intake_queue_decides_once_however_often_it_arrives()
    {
        var m = await team.AddManyAsync(2, "cv");
        var (id, closes) = await NominateAsync(m[0].Http, "cand-close");
        await VoteAllAsync(m, id, VoteChoices.Yes);
        Assert.Equal(VoteCloser.Outcome.NotYetDue, await f.Host.Service<VoteCloser>().CloseAsync(id, CancellationToken.None));

        var wait = closes - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100);
        if (wait > TimeSpan.Zero) await Task.Delay(wait);
        // Sent as the clock sends it: from another bus connection, to queue "intake".
        var e = f.Isolation.Endpoints;
        var clock = Bus.Factory.CreateUsingRabbitMq(cfg =>
            cfg.Host(e.RabbitHost, (ushort)e.RabbitPort, f.Isolation.VirtualHost, h => { h.Username(e.RabbitUser); h.Password(e.RabbitPassword); }));
        await clock.StartAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        try
        {
            var intake = await clock.GetSendEndpoint(ScheduleCloseVote.CloseVoteAddress);
            await intake.Send(new CloseVote(id)).WaitAsync(TimeSpan.FromSeconds(15));
            await intake.Send(new CloseVote(id)).WaitAsync(TimeSpan.FromSeconds(15));
        }
        finally { await clock.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token); }

        Assert.Equal("accepted", (await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == id)).Result);
        await Task.Delay(1500);
        Assert.Single(f.Bus.All<VoteClosed>(), v => v.NominationId == id);
        Assert.Equal(VoteCloser.Outcome.AlreadyClosed, await f.Host.Service<VoteCloser>().CloseAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task A_nomination_sends_MassTransits_ScheduleMessage_for_its_deadline_to_the_clock_queue()
    {
        // Stands in for embargo-scheduler on queue "scheduler" in this test's vhost to see the command as it arrives.
        var received = new TaskCompletionSource<MassTransit.Scheduling.ScheduleMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var e = f.Isolation.Endpoints;
        var clock = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(e.RabbitHost, (ushort)e.RabbitPort, f.Isolation.VirtualHost, h => { h.Username(e.RabbitUser); h.Password(e.RabbitPassword); });
            cfg.ReceiveEndpoint(Queues.Scheduler, ep => ep.Handler<MassTransit.Scheduling.ScheduleMessage>(ctx =>
            {
                received.TrySetResult(ctx.Message);
                return Task.CompletedTask;
            }));
        });
        await clock.StartAsync();
        try
        {
            var m = await team.AddAsync("sched");
            var (id, closes) = await NominateAsync(m.Http, "cand-sched");
            Assert.Equal(closes, (await f.Bus.WaitForAsync<MemberNominated>(n => n.NominationId == id)).VoteClosesAt);

            var scheduled = await received.Task.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.Equal(closes.UtcDateTime, scheduled.ScheduledTime.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
            Assert.Equal(ScheduleCloseVote.CloseVoteAddress, scheduled.Destination);
            Assert.Equal(["urn:message:Coordination.Contracts.Members:CloseVote"], scheduled.PayloadType);
            Assert.NotEqual(Guid.Empty, scheduled.CorrelationId);
            Assert.Contains(id.ToString(), System.Text.Json.JsonSerializer.Serialize(scheduled.Payload));
        }
        finally { await clock.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token); }
    }

    [Fact]
    public async Task A_veto_turns_an_accepted_result_into_rejected_with_its_reason()
    {
        var m = await team.AddManyAsync(3, "ve");
        var (afterClose, closes) = await NominateAsync(m[0].Http, "cand-veto");
        var (whileOpen, closes2) = await NominateAsync(m[0].Http, "cand-veto-open");
        await VoteAllAsync(m, afterClose, VoteChoices.Yes);
        await VoteAllAsync(m, whileOpen, VoteChoices.Yes);

        Assert.Equal(["reason"], await (await team.Root.Post($"nominations/{whileOpen}/veto", new { })).ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, (await m[0].Http.Post($"nominations/{whileOpen}/veto", new { reason = "x" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await team.Root.Post($"nominations/{whileOpen}/veto", new { reason = "Steering Council: conflict of interest" })).StatusCode);

        await team.CloseAfterDeadlineAsync(afterClose, closes);
        await team.CloseAfterDeadlineAsync(whileOpen, closes2);
        var vetoedEarly = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == whileOpen);
        Assert.Equal(("rejected", 3, "Steering Council: conflict of interest"), (vetoedEarly.Result, vetoedEarly.Yes, vetoedEarly.VetoReason));
        Assert.Equal("accepted", (await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == afterClose)).Result);

        var veto = await team.Root.Post($"nominations/{afterClose}/veto", new { reason = "Steering Council veto" });
        Assert.Equal(HttpStatusCode.OK, veto.StatusCode);
        Assert.Equal("rejected", (await veto.Json()).GetProperty("status").GetString());
        var republished = await f.Bus.WaitForAsync<VoteClosed>(v => v.NominationId == afterClose && v.VetoReason == "Steering Council veto");
        Assert.Equal("rejected", republished.Result);
        Assert.Equal(HttpStatusCode.Conflict, (await team.Root.Post($"nominations/{afterClose}/veto", new { reason = "again" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await team.Root.Post($"nominations/{afterClose}/onboarding", new { })).StatusCode);
        Assert.Equal("rejected", (await team.GetAsync(m[0].Http, afterClose)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Onboarding_issues_the_first_token_once_and_the_public_list_shows_the_new_member()
    {
        var m = await team.AddManyAsync(2, "on");
        var (id, closes) = await NominateAsync(m[0].Http, "cand-onboard");
        Assert.Equal(HttpStatusCode.Conflict, (await team.Root.Post($"nominations/{id}/onboarding", new { })).StatusCode);
        await VoteAllAsync(m, id, VoteChoices.Yes);
        await team.CloseAfterDeadlineAsync(id, closes);

        Assert.Equal(["role"], await (await team.Root.Post($"nominations/{id}/onboarding", new { role = "owner" })).ErrorFields());
        var onboarded = await team.Root.Post($"nominations/{id}/onboarding", new { });
        Assert.Equal(HttpStatusCode.Created, onboarded.StatusCode);
        var json = await onboarded.Json();
        var memberId = json.GetProperty("member").GetProperty("id").GetGuid();
        var token = json.GetProperty("token").GetProperty("token").GetString()!;

        var me = await (await f.Host.Client(token).GetAsync("me")).Json();
        Assert.Equal(memberId, me.GetProperty("memberId").GetGuid());
        Assert.Equal("cand-onboard@candidates.example", me.GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await team.Root.Post($"nominations/{id}/onboarding", new { })).StatusCode);
        await f.Bus.WaitForAsync<MemberJoined>(j => j.MemberId == memberId && j.PublicHandle == "cand-onboard");
        var publicList = await (await f.Host.Client().GetAsync("team")).Json();
        Assert.Contains(publicList.EnumerateArray(), e => e.GetProperty("publicHandle").GetString() == "cand-onboard");
    }

    [Fact]
    public async Task Only_current_members_nominate_and_vote_and_bad_fields_are_named()
    {
        var m = await team.AddAsync("only");
        using var stranger = f.Host.Client(f.Host.Token(Roles.Member));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Post("nominations", new
        {
            candidateName = "X", contact = "x@example.org", publicHandle = "xx", statement = "s",
        })).StatusCode);

        var bad = await m.Http.Post("nominations", new { candidateName = "", contact = "not-an-email", publicHandle = "-bad", statement = " " });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["candidateName", "contact", "publicHandle", "statement"], (await bad.ErrorFields()).Order());
        Assert.Equal(HttpStatusCode.Conflict, (await m.Http.Post("nominations", new
        {
            candidateName = "Dup", contact = "d@example.org", publicHandle = "only", statement = "s",
        })).StatusCode);

        var (id, _) = await NominateAsync(m.Http, "cand-only");
        Assert.Equal(["choice"], await (await m.Http.Put($"nominations/{id}/vote", new { choice = "maybe" })).ErrorFields());
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.Put($"nominations/{id}/vote", new { choice = "yes" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await m.Http.Put($"nominations/{Guid.NewGuid()}/vote", new { choice = "yes" })).StatusCode);
    }
}
