using Coordination.Contracts.Advisories;
using System.Net;
using System.Text.Json;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Contracts.Embargo;
using Coordination.Hosting.Auth;
using Coordination.Hosting.Bus;
using Intake.Tests.Support;

namespace Intake.Tests;

public sealed class CaseFlowTests : IAsyncLifetime
{
    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    [Fact]
    public async Task A_service_that_never_got_the_draft_asks_for_it_and_the_current_revision_is_published_again()
    {
        using var anonymous = f.Host.Client();
        var (reportId, _) = await Samples.SubmitReport(anonymous);
        var memberId = Guid.NewGuid();
        using var member = f.Host.Client(f.Host.Token(Roles.Member, memberId));
        var caseId = await Samples.OpenCase(member, reportId);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft() })).StatusCode);
        var first = await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId && e.Revision == 1);

        await f.Bus.SendAsync(Queues.Intake, new ResendDraft(caseId, 2)); // no such revision yet: nothing
        await f.Bus.SendAsync(Queues.Intake, new ResendDraft(caseId, 1));

        for (var i = 0; i < 100 && Drafts().Count < 2; i++) await Task.Delay(100);
        await Task.Delay(1000); // a second resend, if one were made, would be here by now
        var drafts = Drafts();
        Assert.Equal(2, drafts.Count);
        Assert.All(drafts, d => Assert.Equal(1, d.Revision));
        Assert.Equal(memberId, drafts[1].UpdatedBy);
        Assert.Equal(JsonSerializer.Serialize(first.Draft), JsonSerializer.Serialize(drafts[1].Draft));

        List<AdvisoryDraftUpdated> Drafts() => f.Bus.All<AdvisoryDraftUpdated>().Where(e => e.CaseId == caseId).ToList();
    }

    [Fact]
    public async Task A_report_becomes_a_case_with_a_credited_draft_and_an_embargo_request_all_seen_on_the_bus()
    {
        using var anonymous = f.Host.Client();
        var (reportId, reporterToken) = await Samples.SubmitReport(anonymous);
        var (duplicateId, _) = await Samples.SubmitReport(anonymous);

        var memberId = Guid.NewGuid();
        using var member = f.Host.Client(f.Host.Token(Roles.Member, memberId));
        var caseId = await Samples.OpenCase(member, reportId);
        var opened = await f.Bus.WaitForAsync<CaseOpened>(e => e.CaseId == caseId);
        Assert.Equal(memberId, opened.CoordinatorId);
        Assert.Equal([reportId], opened.ReportIds);

        var merged = await (await member.Post($"cases/{caseId}/reports", new { reportIds = new[] { duplicateId } })).Json();
        Assert.Equal(2, merged.GetProperty("reportIds").GetArrayLength());

        var saved = await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft() });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.Equal(1, (await saved.Json()).GetProperty("revision").GetInt32());
        var first = await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId && e.Revision == 1);
        Assert.Equal("example-lib", first.Draft.Affected[0].Name); // PEP 503-normalised
        Assert.Equal("High", first.Draft.Severity!.Rating);
        Assert.Equal("2.4.1", first.Draft.Affected[0].Ranges[0].Events[1].Fixed);
        Assert.Equal(memberId, first.UpdatedBy);

        var credited = await member.Post($"cases/{caseId}/credits",
            new { revision = 1, name = "Carl Coordinator", types = new[] { "coordinator", "Remediation_Reviewer" } });
        Assert.Equal(HttpStatusCode.OK, credited.StatusCode);
        var second = await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId && e.Revision == 2);
        Assert.Equal(2, second.Draft.Credits.Count);
        Assert.Equal(["COORDINATOR", "REMEDIATION_REVIEWER"], second.Draft.Credits[1].Types);
        Assert.Null(second.Draft.Credits[1].Contact);
        Assert.Equal(first.Draft.Title, second.Draft.Title);

        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(2, draft.GetProperty("revision").GetInt32());
        Assert.Equal("Carl Coordinator", draft.GetProperty("draft").GetProperty("credits")[1].GetProperty("name").GetString());

        var disclosureAt = DateTimeOffset.UtcNow.AddDays(7).AddTicks(-(DateTimeOffset.UtcNow.Ticks % TimeSpan.TicksPerSecond));
        disclosureAt = new DateTimeOffset(disclosureAt.UtcDateTime, TimeSpan.Zero);
        var embargo = await member.Post($"cases/{caseId}/embargo", new { disclosureAt, channels = new[] { "distros", "default" } });
        Assert.Equal(HttpStatusCode.Accepted, embargo.StatusCode);
        var start = await f.Bus.WaitForAsync<StartEmbargo>(e => e.CaseId == caseId);
        Assert.Equal(disclosureAt, start.DisclosureAt);
        Assert.Equal(["distros", "default"], start.Channels);
        Assert.Equal(memberId, start.RequestedBy);

        var status = await (await ReporterClient(reporterToken).GetAsync($"reports/{reportId}")).Json();
        Assert.Equal("triaged", status.GetProperty("status").GetString());

        var timeline = await (await member.GetAsync($"cases/{caseId}/timeline")).Json();
        var actions = timeline.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["case.opened", "case.reports-merged", "draft.updated", "draft.credit-added", "draft.read", "embargo.requested"], actions);
        Assert.All(timeline.EnumerateArray(), e => Assert.Equal(memberId, e.GetProperty("actorId").GetGuid()));
        Assert.DoesNotContain("Embargoed details", timeline.GetRawText());
    }

    [Fact]
    public async Task A_read_of_a_report_before_it_was_triaged_is_on_the_timeline_of_its_case()
    {
        using var anonymous = f.Host.Client();
        var (reportId, _) = await Samples.SubmitReport(anonymous);
        var (otherId, _) = await Samples.SubmitReport(anonymous);
        var memberId = Guid.NewGuid();
        using var member = f.Host.Client(f.Host.Token(Roles.Member, memberId));
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"reports/{reportId}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync($"reports/{otherId}")).StatusCode); // another case's
        var caseId = await Samples.OpenCase(member, reportId);

        var timeline = (await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray().ToList();
        Assert.Equal(["report.read", "case.opened"], timeline.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal(reportId.ToString(), timeline[0].GetProperty("detail").GetProperty("reportId").GetString());
        Assert.Equal(memberId, timeline[0].GetProperty("actorId").GetGuid());
    }

    [Fact]
    public async Task A_person_credited_again_keeps_one_entry_gaining_the_new_types_and_a_repeat_changes_nothing()
    {
        using var anonymous = f.Host.Client();
        var (reportId, _) = await Samples.SubmitReport(anonymous);
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, reportId);

        var first = await (await member.Post($"cases/{caseId}/credits", new { name = "Dev Fixer", types = new[] { "REMEDIATION_DEVELOPER" } })).Json();
        // coord credit add run again after a timeout whose request had gone through: no second entry, no new revision.
        var repeat = await member.Post($"cases/{caseId}/credits", new { name = "Dev Fixer", types = new[] { "remediation_developer" } });
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(first.GetProperty("revision").GetInt32(), (await repeat.Json()).GetProperty("revision").GetInt32());
        var reviewer = await (await member.Post($"cases/{caseId}/credits",
            new { name = "dev fixer", types = new[] { "REMEDIATION_REVIEWER" }, contact = "https://fixer.example" })).Json();
        Assert.Equal(first.GetProperty("revision").GetInt32() + 1, reviewer.GetProperty("revision").GetInt32());

        var credits = (await (await member.GetAsync($"cases/{caseId}/draft")).Json()).GetProperty("draft").GetProperty("credits")
            .EnumerateArray().Where(c => c.GetProperty("name").GetString()!.Equals("Dev Fixer", StringComparison.OrdinalIgnoreCase)).ToList();
        var credit = Assert.Single(credits);
        Assert.Equal(["REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER"], credit.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("https://fixer.example", credit.GetProperty("contact").GetString());
    }

    [Fact]
    public async Task The_credit_a_reporter_asked_for_is_in_the_draft_from_the_start_and_merged_reporters_are_added()
    {
        using var anonymous = f.Host.Client();
        var (reportId, _) = await Samples.SubmitReport(anonymous);
        var (silentId, _) = await Samples.SubmitReport(anonymous, new
        {
            reporterName = "Quiet Person", reporterEmail = "quiet@example.org", components = new[] { "example-lib" },
            description = "Same crash, no credit wanted please.", credit = new { wanted = false },
        });
        var (otherId, _) = await Samples.SubmitReport(anonymous, new
        {
            reporterName = "Sam Second", reporterEmail = "sam@example.org", components = new[] { "example-lib" }, description = "Found it too.",
            credit = new { wanted = true, name = "   " }, // a blank name is no name: theirs is credited
        });
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, reportId);

        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(0, draft.GetProperty("revision").GetInt32());
        var credit = Assert.Single(draft.GetProperty("draft").GetProperty("credits").EnumerateArray());
        Assert.Equal("Rita R.", credit.GetProperty("name").GetString());
        Assert.Equal(["FINDER", "REPORTER"], credit.GetProperty("types").EnumerateArray().Select(t => t.GetString()));
        // Not the reporter's e-mail: a credit's contact is published with the advisory.
        Assert.True(!credit.TryGetProperty("contact", out var contact) || contact.ValueKind == JsonValueKind.Null, credit.GetRawText());
        Assert.DoesNotContain("rita@example.org", draft.GetRawText());

        var (againId, _) = await Samples.SubmitReport(anonymous, new
        {
            reporterName = "Rita", reporterEmail = "rita2@example.org", components = new[] { "example-lib" }, description = "And the root cause.",
            credit = new { wanted = true, name = "rita r.", types = new[] { "ANALYST" } }, // credited already: gains the type
        });
        var merged = await (await member.Post($"cases/{caseId}/reports", new { reportIds = new[] { silentId, otherId, againId } })).Json();
        Assert.Equal(1, merged.GetProperty("draftRevision").GetInt32());
        var updated = await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId && e.Revision == 1);
        Assert.Equal(["Rita R.", "Sam Second"], updated.Draft.Credits.Select(c => c.Name));
        Assert.Equal([CreditTypes.Finder, CreditTypes.Reporter, CreditTypes.Analyst], updated.Draft.Credits[0].Types);
        Assert.Equal([CreditTypes.Reporter], updated.Draft.Credits[1].Types);
    }

    [Fact]
    public async Task An_edit_based_on_a_stale_revision_is_refused_with_409_and_changes_nothing()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client());
        var caseId = await Samples.OpenCase(member, reportId);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("First") })).StatusCode);

        var stale = await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft("Second, from an old copy") });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal(1, (await stale.Json()).GetProperty("currentRevision").GetInt32());
        var staleCredit = await member.Post($"cases/{caseId}/credits", new { revision = 0, name = "X", types = new[] { "TOOL" } });
        Assert.Equal(HttpStatusCode.Conflict, staleCredit.StatusCode);
        Assert.Equal(["revision"], await (await member.Post($"cases/{caseId}/credits", new { revision = -5, name = "X", types = new[] { "TOOL" } })).ErrorFields());

        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(1, draft.GetProperty("revision").GetInt32());
        Assert.Equal("First", draft.GetProperty("draft").GetProperty("title").GetString());
        await f.Bus.WaitForAsync<AdvisoryDraftUpdated>(e => e.CaseId == caseId && e.Revision == 1);
        await Task.Delay(500);
        Assert.Single(f.Bus.All<AdvisoryDraftUpdated>(), e => e.CaseId == caseId);
    }

    [Fact]
    public async Task Of_concurrent_edits_based_on_the_same_revision_exactly_one_wins()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var edits = Enumerable.Range(0, 6).Select(i => member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft($"Edit {i}") }));
        var statuses = (await Task.WhenAll(edits)).Select(r => r.StatusCode).ToList();
        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.Conflict));
        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(1, draft.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task Withdrawing_a_case_sends_WithdrawCase_and_blocks_a_later_embargo()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        Assert.Equal(HttpStatusCode.Accepted, (await member.Post($"cases/{caseId}/withdraw", new { reason = "not a vulnerability" })).StatusCode);
        var withdraw = await f.Bus.WaitForAsync<WithdrawCase>(e => e.CaseId == caseId);
        Assert.Equal("not a vulnerability", withdraw.Reason);
        var embargo = await member.Post($"cases/{caseId}/embargo", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(3), channels = new[] { "default" } });
        Assert.Equal(HttpStatusCode.Conflict, embargo.StatusCode);
    }

    [Fact]
    public async Task Requests_the_case_status_does_not_allow_are_refused_and_a_refused_withdrawal_restores_the_status()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        object Embargo() => new { disclosureAt = DateTimeOffset.UtcNow.AddDays(3), channels = new[] { "default" } };
        // A draft naming no affected package could not be published at the instant (CVE and CSAF need one).
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = new { title = "Overflow", affected = Array.Empty<object>() } })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post($"cases/{caseId}/embargo", Embargo())).StatusCode);
        Assert.Equal("open", await Status(member, caseId));
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 1, draft = Samples.Draft() })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await member.Post($"cases/{caseId}/embargo", Embargo())).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post($"cases/{caseId}/embargo", Embargo())).StatusCode); // a retry
        Assert.Equal("embargo-requested", await Status(member, caseId));

        await f.Bus.PublishAsync(new EmbargoStarted(caseId, DateTimeOffset.UtcNow.AddDays(3), ["default"], DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, caseId, "embargoed");
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post($"cases/{caseId}/embargo", Embargo())).StatusCode);
        Assert.Equal("embargoed", await Status(member, caseId)); // a second StartEmbargo's refusal used to turn it "open"
        // Nor may an edit under embargo drop every affected package: the advisory could not be published at the instant.
        var dropped = await member.Put($"cases/{caseId}/draft", new { revision = 2, draft = new { title = "Overflow", affected = Array.Empty<object>() } });
        Assert.Equal(HttpStatusCode.BadRequest, dropped.StatusCode);
        Assert.Equal(["affected"], await dropped.ErrorFields()); // as the draft's validator names its fields (coord annotates them)
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 2, draft = Samples.Draft() })).StatusCode);

        Assert.Equal(HttpStatusCode.Accepted, (await member.Post($"cases/{caseId}/withdraw", new { reason = "duplicate" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post($"cases/{caseId}/withdraw", new { reason = "duplicate" })).StatusCode);
        await f.Bus.PublishAsync(new EmbargoRequestRefused(caseId, nameof(WithdrawCase), "the disclosure instant has passed", DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, caseId, "embargoed");

        await f.Bus.PublishAsync(new AdvisoryPublished(caseId, "PSRT-2026-0001", null, 1, DateTimeOffset.UtcNow, []), Guid.NewGuid());
        await WaitForStatus(member, caseId, "disclosed");
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post($"cases/{caseId}/withdraw", new { reason = "late" })).StatusCode);
        Assert.Equal("disclosed", await Status(member, caseId));

        // The public advisory withdrawn (disclosure): the case is closed for good, its draft no longer edited (a revision
        // would never be published), and the timeline says who withdrew it and why; an AdvisoryPublished redelivered
        // after it does not open it again.
        var withdrawer = Guid.NewGuid();
        await f.Bus.PublishAsync(new AdvisoryWithdrawn(caseId, "PSRT-2026-0001", 2, "Not a vulnerability", withdrawer, DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, caseId, "withdrawn");
        var edit = await member.Put($"cases/{caseId}/draft", new { revision = await Revision(member, caseId), draft = Samples.Draft() });
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        var entry = (await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray()
            .Single(e => e.GetProperty("action").GetString() == "advisory.withdrawn");
        Assert.Equal(withdrawer, entry.GetProperty("actorId").GetGuid());
        Assert.Contains("Not a vulnerability", entry.GetRawText());
        await f.Bus.PublishAsync(new AdvisoryPublished(caseId, "PSRT-2026-0001", null, 1, DateTimeOffset.UtcNow, []), Guid.NewGuid());
        async Task<int> Published() => (await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray()
            .Count(e => e.GetProperty("action").GetString() == "advisory.published");
        for (var i = 0; i < 100 && await Published() < 2; i++) await Task.Delay(100);
        Assert.Equal(2, await Published());
        Assert.Equal("withdrawn", await Status(member, caseId));
    }

    [Fact]
    public async Task Once_the_advisory_is_public_its_CVE_id_can_be_added_but_neither_changed_nor_removed()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var draft = System.Text.Json.JsonSerializer.SerializeToNode(Samples.Draft(), System.Text.Json.JsonSerializerOptions.Web)!.AsObject();
        draft.Remove("cveId");
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = await Revision(member, caseId), draft })).StatusCode);
        await f.Bus.PublishAsync(new AdvisoryPublished(caseId, "PSRT-2026-0002", null, 2, DateTimeOffset.UtcNow, []), Guid.NewGuid());
        await WaitForStatus(member, caseId, "disclosed");

        // Published without one: a CVE id assigned later is added (the records gain it).
        draft["cveId"] = "CVE-2026-12345";
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = await Revision(member, caseId), draft })).StatusCode);
        var revision = await Revision(member, caseId);
        foreach (var other in new[] { "CVE-2026-54321", null })
        {
            draft["cveId"] = other;
            var changed = await member.Put($"cases/{caseId}/draft", new { revision, draft });
            Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
            Assert.Contains("must stay CVE-2026-12345", await changed.Content.ReadAsStringAsync());
        }
        draft["cveId"] = "CVE-2026-12345";
        draft["title"] = "Heap overflow in example-lib's parser";
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision, draft })).StatusCode);

        // From the instant on, before AdvisoryPublished is here: disclosure publishes the draft as it stands then.
        var due = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        draft["cveId"] = "CVE-2026-22222"; // its own: one CVE id names one case
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{due}/draft", new { revision = await Revision(member, due), draft })).StatusCode);
        var instant = DateTimeOffset.UtcNow.AddSeconds(2);
        await f.Bus.PublishAsync(new EmbargoStarted(due, instant, ["default"], DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, due, "embargoed");
        await Task.Delay(instant - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(200));
        draft["cveId"] = "CVE-2026-54321";
        var atTheInstant = await member.Put($"cases/{due}/draft", new { revision = await Revision(member, due), draft });
        Assert.Equal(HttpStatusCode.BadRequest, atTheInstant.StatusCode);
        Assert.Contains("must stay CVE-2026-22222", await atTheInstant.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_CVE_id_another_case_has_is_a_400_unless_that_case_was_withdrawn_before_its_advisory_was_published()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var first = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var second = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{first}/draft", new { revision = 0, draft = Samples.Draft() })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{first}/draft", new { revision = 1, draft = Samples.Draft("Again") })).StatusCode);

        var taken = await member.Put($"cases/{second}/draft", new { revision = 0, draft = Samples.Draft() });
        Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        Assert.Equal(["cveId"], await taken.ErrorFields());
        Assert.Contains(first.ToString(), await taken.Content.ReadAsStringAsync());

        // Withdrawn under embargo, its CVE id was never published: a new case for the issue may take it.
        await f.Bus.PublishAsync(new CaseWithdrawn(first, "reported again later", Guid.NewGuid(), DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, first, "withdrawn");
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{second}/draft", new { revision = 0, draft = Samples.Draft() })).StatusCode);

        // Published, then withdrawn: its CVE id stays its own (the record says REJECTED).
        await f.Bus.PublishAsync(new AdvisoryPublished(second, "PSRT-2026-0003", "CVE-2026-12345", 1, DateTimeOffset.UtcNow, []), Guid.NewGuid());
        await WaitForStatus(member, second, "disclosed");
        await f.Bus.PublishAsync(new AdvisoryWithdrawn(second, "PSRT-2026-0003", 2, "Not a vulnerability", Guid.NewGuid(), DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, second, "withdrawn");
        var third = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var rejected = await member.Put($"cases/{third}/draft", new { revision = 0, draft = Samples.Draft() });
        Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        Assert.Contains(second.ToString(), await rejected.Content.ReadAsStringAsync());
    }

    private static async Task<int> Revision(HttpClient member, Guid caseId) =>
        (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonElement>(member, $"cases/{caseId}/draft")).GetProperty("revision").GetInt32();

    [Fact]
    public async Task Migration_0011_lets_a_withdrawal_requested_before_0006_be_refused_back_to_embargoed_not_open()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var embargoed = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var open = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        await f.Bus.PublishAsync(new EmbargoStarted(embargoed, DateTimeOffset.UtcNow.AddDays(3), ["default"], DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, embargoed, "embargoed");
        foreach (var caseId in new[] { embargoed, open })
            Assert.Equal(HttpStatusCode.Accepted, (await member.Post($"cases/{caseId}/withdraw", new { reason = "duplicate" })).StatusCode);
        await using var conn = new Npgsql.NpgsqlConnection(f.Isolation.ConnectionString);
        await conn.OpenAsync();
        // As the withdrawals were requested before 0006 kept the status they left.
        await using (var before = new Npgsql.NpgsqlCommand("UPDATE intake.cases SET status_before_withdrawal = NULL WHERE status = 'withdrawal-requested'", conn))
            Assert.Equal(2, await before.ExecuteNonQueryAsync());

        var assembly = typeof(IntakeOptions).Assembly;
        using var script = new StreamReader(assembly.GetManifestResourceStream(
            assembly.GetManifestResourceNames().Single(n => n.EndsWith(".0011_status_before_withdrawal_backfill.sql", StringComparison.Ordinal)))!);
        await using (var migrate = new Npgsql.NpgsqlCommand("SET search_path TO intake; " + await script.ReadToEndAsync(), conn))
            await migrate.ExecuteNonQueryAsync();

        foreach (var caseId in new[] { embargoed, open })
            await f.Bus.PublishAsync(new EmbargoRequestRefused(caseId, nameof(WithdrawCase), "the disclosure instant has passed", DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, embargoed, "embargoed");
        await WaitForStatus(member, open, "open");
    }

    [Fact]
    public async Task An_embargo_start_consumed_after_the_withdrawal_leaves_the_case_withdrawn()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        await f.Bus.PublishAsync(new CaseWithdrawn(caseId, "duplicate", Guid.NewGuid(), DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, caseId, "withdrawn");
        await f.Bus.PublishAsync(new EmbargoStarted(caseId, DateTimeOffset.UtcNow.AddDays(3), ["default"], DateTimeOffset.UtcNow), Guid.NewGuid());
        var deadline = DateTime.UtcNow.AddSeconds(15); // until the start is on the timeline
        while (!(await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray().Any(e => e.GetProperty("action").GetString() == "embargo.started"))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("EmbargoStarted was not recorded");
            await Task.Delay(100);
        }
        Assert.Equal("withdrawn", await Status(member, caseId));
    }

    [Fact]
    public async Task A_withdrawn_cases_draft_can_no_longer_be_edited_or_credited()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft = Samples.Draft() })).StatusCode);
        await f.Bus.PublishAsync(new CaseWithdrawn(caseId, "not a vulnerability", Guid.NewGuid(), DateTimeOffset.UtcNow), Guid.NewGuid());
        await WaitForStatus(member, caseId, "withdrawn");

        var edit = await member.Put($"cases/{caseId}/draft", new { revision = 1, draft = Samples.Draft("Changed after the withdrawal") });
        var credit = await member.Post($"cases/{caseId}/credits", new { revision = 1, name = "Late Reviewer", types = new[] { "remediation_reviewer" } });

        foreach (var refused in new[] { edit, credit })
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("withdrawn", (await refused.Json()).GetProperty("detail").GetString());
        }
        // A duplicate report of the withdrawn issue is filed with the case, its reporter not credited in the draft.
        var (duplicate, _) = await Samples.SubmitReport(f.Host.Client(), new
        {
            reporterName = "Late Reporter", reporterEmail = "late@example.org", components = new[] { "example-lib" },
            description = "Same parser crash again.", subject = "Parser crash", credit = new { wanted = true, name = "Late Reporter" },
        });
        var merged = await member.Post($"cases/{caseId}/reports", new { reportIds = new[] { duplicate } });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Contains(duplicate, (await merged.Json()).GetProperty("reportIds").EnumerateArray().Select(r => r.GetGuid()));

        var draft = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal(1, draft.GetProperty("revision").GetInt32());
        Assert.Equal("Heap overflow in example-lib parser", draft.GetProperty("draft").GetProperty("title").GetString());
        Assert.DoesNotContain(draft.GetProperty("draft").GetProperty("credits").EnumerateArray(),
            c => c.GetProperty("name").GetString() is "Late Reviewer" or "Late Reporter");
        Assert.DoesNotContain(f.Bus.All<AdvisoryDraftUpdated>(), e => e.CaseId == caseId && e.Revision > 1);
    }

    [Fact]
    public async Task A_merge_whose_reporters_credits_would_pass_the_drafts_limit_is_a_400_and_merges_nothing()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var draft = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(Samples.Draft()))!;
        draft["cveId"] = null;
        draft["credits"] = new System.Text.Json.Nodes.JsonArray(Enumerable.Range(1, 200)
            .Select(i => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject { ["name"] = $"Helper {i}", ["types"] = new System.Text.Json.Nodes.JsonArray("OTHER") }).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await member.Put($"cases/{caseId}/draft", new { revision = 0, draft })).StatusCode);
        var (duplicate, _) = await Samples.SubmitReport(f.Host.Client(), new
        {
            reporterName = "One Too Many", reporterEmail = "many@example.org", components = new[] { "example-lib" },
            description = "Same parser crash.", credit = new { wanted = true },
        });

        var merged = await member.Post($"cases/{caseId}/reports", new { reportIds = new[] { duplicate } });

        Assert.Equal(HttpStatusCode.BadRequest, merged.StatusCode);
        Assert.Equal(["reportIds"], await merged.ErrorFields());
        Assert.DoesNotContain(duplicate, (await (await member.GetAsync($"cases/{caseId}")).Json()).GetProperty("reportIds").EnumerateArray().Select(r => r.GetGuid()));
        var stored = await (await member.GetAsync($"cases/{caseId}/draft")).Json();
        Assert.Equal((1, 200), (stored.GetProperty("revision").GetInt32(), stored.GetProperty("draft").GetProperty("credits").GetArrayLength()));
    }

    private static async Task<string?> Status(HttpClient member, Guid caseId) =>
        (await (await member.GetAsync($"cases/{caseId}")).Json()).GetProperty("status").GetString();

    private static async Task WaitForStatus(HttpClient member, Guid caseId, string status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (await Status(member, caseId) != status)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"the case did not become {status}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Opening_a_case_refuses_unknown_or_already_assigned_reports_and_an_embargo_without_a_draft()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var (reportId, _) = await Samples.SubmitReport(f.Host.Client());
        var unknown = await member.Post("cases", new { reportIds = new[] { reportId, Guid.NewGuid() } });
        Assert.Equal(["reportIds[1]"], await unknown.ErrorFields());
        // Named by its place in the request, duplicates counted.
        Assert.Equal(["reportIds[2]"], await (await member.Post("cases", new { reportIds = new[] { reportId, reportId, Guid.NewGuid() } })).ErrorFields());
        Assert.Equal(["reportIds"], await (await member.Post("cases", new { reportIds = Array.Empty<Guid>() })).ErrorFields());
        Assert.Equal(["coordinatorId"], await (await member.Post("cases", new { reportIds = new[] { reportId }, coordinatorId = Guid.NewGuid() })).ErrorFields());

        var caseId = await Samples.OpenCase(member, reportId);
        Assert.Equal(HttpStatusCode.Conflict, (await member.Post("cases", new { reportIds = new[] { reportId } })).StatusCode);
        var noDraft = await member.Post($"cases/{caseId}/embargo", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(3), channels = new[] { "default" } });
        Assert.Equal(HttpStatusCode.Conflict, noDraft.StatusCode);
        var badEmbargo = await member.Post($"cases/{caseId}/embargo", new { disclosureAt = DateTimeOffset.UtcNow.AddDays(-1), channels = new[] { "Bad Channel" } });
        Assert.Equal(["channels[0]", "disclosureAt"], (await badEmbargo.ErrorFields()).Order());
        Assert.Equal(["channels[0]"], await (await member.Post($"cases/{caseId}/embargo",
            new { disclosureAt = DateTimeOffset.UtcNow.AddDays(3), channels = new[] { "distros\n" } })).ErrorFields()); // "$" matched before "\n"
        Assert.Equal(["limit"], await (await member.GetAsync("cases?limit=0")).ErrorFields());
        Assert.Equal(["limit"], await (await member.GetAsync("reports?limit=1001")).ErrorFields());
        Assert.Equal(HttpStatusCode.OK, (await member.GetAsync("reports?limit=1000")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.GetAsync($"cases/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task A_coordinator_can_be_reassigned_to_a_current_member()
    {
        using var admin = f.Host.Client(f.Host.Token(Roles.Admin));
        var created = await (await admin.Post("members", new { name = "Cora", email = "cora@example.org", publicHandle = "cora", role = "member" })).Json();
        var cora = created.GetProperty("id").GetGuid();
        var caseId = await Samples.OpenCase(admin, (await Samples.SubmitReport(f.Host.Client())).Id);

        var assigned = await admin.Put($"cases/{caseId}/coordinator", new { memberId = cora });
        Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        Assert.Equal(cora, (await assigned.Json()).GetProperty("coordinatorId").GetGuid());
        await f.Bus.WaitForAsync<CoordinatorAssigned>(e => e.CaseId == caseId && e.CoordinatorId == cora);
        Assert.Equal(["memberId"], await (await admin.Put($"cases/{caseId}/coordinator", new { memberId = Guid.NewGuid() })).ErrorFields());
    }

    [Fact]
    public async Task Events_of_the_other_services_enter_the_timeline_once_and_move_the_case_status()
    {
        using var member = f.Host.Client(f.Host.Token(Roles.Member));
        var caseId = await Samples.OpenCase(member, (await Samples.SubmitReport(f.Host.Client())).Id);
        var started = new EmbargoStarted(caseId, DateTimeOffset.UtcNow.AddDays(5), ["default"], DateTimeOffset.UtcNow);
        var messageId = Guid.NewGuid();
        await f.Bus.PublishAsync(started, messageId);
        await f.Bus.PublishAsync(started, messageId); // redelivery

        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonElement c;
        do
        {
            await Task.Delay(100);
            c = await (await member.GetAsync($"cases/{caseId}")).Json();
        } while (c.GetProperty("status").GetString() != "embargoed" && DateTime.UtcNow < deadline);
        Assert.Equal("embargoed", c.GetProperty("status").GetString());

        await f.Bus.PublishAsync(new CaseWithdrawn(caseId, "duplicate", Guid.NewGuid(), DateTimeOffset.UtcNow), Guid.NewGuid());
        do
        {
            await Task.Delay(100);
            c = await (await member.GetAsync($"cases/{caseId}")).Json();
        } while (c.GetProperty("status").GetString() != "withdrawn" && DateTime.UtcNow < deadline);
        var actions = (await (await member.GetAsync($"cases/{caseId}/timeline")).Json()).EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["case.opened", "embargo.started", "case.withdrawn"], actions);
    }

    private HttpClient ReporterClient(string token)
    {
        var http = f.Host.Client();
        http.DefaultRequestHeaders.Add("X-Reporter-Token", token);
        return http;
    }
}
