using System.Net;
using System.Net.Http.Headers;
using System.ServiceModel.Syndication;
using System.Text.Json.Nodes;
using System.Xml;
using Coordination.Contracts.Cases;
using Coordination.Contracts.Disclosure;
using Coordination.Hosting.Auth;
using Coordination.Testing;
using Dapper;
using Disclosure.Tests.Support;
using MailSink;
using MassTransit;
using Npgsql;

namespace Disclosure.Tests.Publication;

/// <summary>The service as users run it (processes), on the real broker, database and an SMTP server.</summary>
public sealed class PublicationTests
{
    [Fact]
    public async Task Two_instances_and_a_redelivered_PublishAdvisory_publish_once_and_nothing_is_public_before()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = await StartSinkAsync();
        var settings = DisclosureHost.Settings(isolation, sink.Port);
        await using var a = ServiceProcess.Start("Disclosure", settings);
        await a.WaitUntilReadyAsync();
        await using var b = ServiceProcess.Start("Disclosure", settings);
        await b.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        using var anonA = a.CreateClient();
        using var anonB = b.CreateClient();
        using var member = a.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Admin));
        var caseId = Guid.NewGuid();
        var guessedId = $"x_COORD-{DateTime.UtcNow.Year}-1";
        var csafFileName = $"x_coord-{DateTime.UtcNow.Year}-1.json"; // CSAF 2.0 section 5.1

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.MultiPackage, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var preview = JsonNode.Parse(await DisclosureHost.EventuallyAsync(() => BodyIfOk(member, $"cases/{caseId}/advisory/preview?format=csaf"), "the preview"))!;
        Assert.Equal("AMBER", (string?)preview["document"]!["distribution"]!["tlp"]!["label"]);
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, preview));
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonA.GetAsync($"cases/{caseId}/advisory/preview")).StatusCode);
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, await member.GetStringAsync($"cases/{caseId}/advisory/preview?format=osv")));
        var badFormat = await member.GetAsync($"cases/{caseId}/advisory/preview?format=pdf");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.NotNull(JsonNode.Parse(await badFormat.Content.ReadAsStringAsync())!["errors"]!["format"]);

        // Nothing of the case is public before its publication, whatever the URL: 404, never 403.
        foreach (var http in new[] { anonA, anonB })
        {
            foreach (var suffix in new[] { "", ".osv.json", ".cve.json", ".csaf.json" })
                Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"advisories/{guessedId}{suffix}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"advisories/{csafFileName}")).StatusCode);
            Assert.Equal(0, (int)JsonNode.Parse(await http.GetStringAsync("advisories"))!["total"]!);
            Assert.Empty(Feed(await http.GetStringAsync("advisories.atom")).Items);
        }

        // Embargoed text never reaches the logs.
        foreach (var output in new[] { a.Output, b.Output })
        {
            Assert.DoesNotContain(GoldenDrafts.MultiPackage.Title, output);
            Assert.DoesNotContain(GoldenDrafts.MultiPackage.Details, output);
        }

        // The same command delivered twice (same message id) and a second command for the same revision, to two instances.
        var messageId = NewId.NextGuid();
        await Task.WhenAll(
            bus.SendToDisclosure(new PublishAdvisory(caseId, 1), messageId),
            bus.SendToDisclosure(new PublishAdvisory(caseId, 1), messageId),
            bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid()));
        var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null), "AdvisoryPublished");
        await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30));
        await WaitForHandledAsync(isolation, "PublishAdvisoryConsumer", 2);
        await Task.Delay(TimeSpan.FromSeconds(2)); // let a duplicate event or mail, if any were made, arrive before counting

        Assert.Single(bus.Published);
        Assert.Equal(guessedId, published.AdvisoryId);
        Assert.Equal("CVE-2026-32681", published.CveId);
        Assert.Equal(3, published.Urls.Count);
        Assert.Equal(1, await ScalarAsync(isolation, "SELECT count(*) FROM advisory_versions"));
        var mail = File.ReadAllText(Assert.Single(sink.Messages()));
        Assert.Contains("X-MailSink-Rcpt: " + DisclosureHost.AnnounceTo, mail);
        Assert.Contains("Subject: [CVE-2026-32681] Header injection in examplelib's redirect handling", mail);
        Assert.Contains("To: " + DisclosureHost.AnnounceTo, mail);
        Assert.Contains("Ada Finder (finder, reporter)", mail);
        Assert.Contains($"{DisclosureHost.PublicBaseUrl}/advisories/{guessedId}.osv.json", mail);
        // Every link to the CSAF record names its canonical file (CSAF 2.0 section 5.1), the one its self reference gives.
        var canonicalCsaf = $"{DisclosureHost.PublicBaseUrl}/advisories/{csafFileName}";
        Assert.Contains($"CSAF:     {canonicalCsaf}", mail);
        Assert.DoesNotContain(".csaf.json", mail);
        Assert.Contains(canonicalCsaf, published.Urls);

        // Public now, on either instance, in every format; each validates.
        var osvResponse = await anonB.GetAsync($"advisories/{guessedId}.osv.json");
        Assert.Equal(HttpStatusCode.OK, osvResponse.StatusCode);
        var osv = JsonNode.Parse(await osvResponse.Content.ReadAsStringAsync())!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, osv));
        Assert.Equal(["CVE-2026-32681"], osv["aliases"]!.AsArray().Select(n => (string)n!));
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, await anonA.GetStringAsync($"advisories/{guessedId}.cve.json")));
        var csaf = JsonNode.Parse(await anonA.GetStringAsync($"advisories/{guessedId}.csaf.json"))!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
        Assert.Empty(CsafMandatoryChecks.Run(csaf));
        Assert.Equal("WHITE", (string?)csaf["document"]!["distribution"]!["tlp"]!["label"]);
        // The self reference, the canonical URL, serves the same document.
        var self = csaf["document"]!["references"]!.AsArray().Single(r => (string?)r!["category"] == "self")!;
        Assert.Equal($"{DisclosureHost.PublicBaseUrl}/advisories/{csafFileName}", (string?)self["url"]);
        Assert.Equal(csaf.ToJsonString(), JsonNode.Parse(await anonB.GetStringAsync($"advisories/{csafFileName}"))!.ToJsonString());

        // Content negotiation, caching headers, 304.
        using var negotiated = new HttpRequestMessage(HttpMethod.Get, $"advisories/{guessedId}");
        negotiated.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/csaf+json"));
        var csafByAccept = await anonA.SendAsync(negotiated);
        Assert.Equal("csaf_security_advisory", (string?)JsonNode.Parse(await csafByAccept.Content.ReadAsStringAsync())!["document"]!["category"]);
        Assert.Equal("application/csaf+json", csafByAccept.Content.Headers.ContentType!.MediaType);
        using var unacceptable = new HttpRequestMessage(HttpMethod.Get, $"advisories/{guessedId}");
        unacceptable.Headers.Accept.ParseAdd("application/osv+json;q=0, application/xml");
        Assert.Equal(HttpStatusCode.NotAcceptable, (await anonA.SendAsync(unacceptable)).StatusCode);
        // HEAD wherever GET works (RFC 9110): the same headers, no body.
        foreach (var path in new[] { $"advisories/{guessedId}", "advisories", "advisories.atom" })
        {
            var head = await anonA.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.NotNull(head.Headers.ETag);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync());
        }
        Assert.NotNull(osvResponse.Headers.ETag);
        Assert.Null(osvResponse.Content.Headers.LastModified);
        Assert.True(osvResponse.Headers.CacheControl!.Public);
        using var conditional = new HttpRequestMessage(HttpMethod.Get, $"advisories/{guessedId}.osv.json");
        conditional.Headers.IfNoneMatch.Add(osvResponse.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonA.SendAsync(conditional)).StatusCode);

        // Index and feed.
        var indexResponse = await anonA.GetAsync("advisories?ecosystem=npm&package=examplelib-js");
        var index = JsonNode.Parse(await indexResponse.Content.ReadAsStringAsync())!;
        using var conditionalIndex = new HttpRequestMessage(HttpMethod.Get, "advisories?ecosystem=npm&package=examplelib-js");
        conditionalIndex.Headers.IfNoneMatch.Add(indexResponse.Headers.ETag!);
        Assert.Equal(HttpStatusCode.NotModified, (await anonB.SendAsync(conditionalIndex)).StatusCode);
        Assert.Equal(guessedId, (string?)index["items"]![0]!["id"]);
        Assert.Equal(canonicalCsaf, (string?)index["items"]![0]!["links"]!["csaf"]);
        Assert.Equal(0, (int)JsonNode.Parse(await anonA.GetStringAsync("advisories?ecosystem=Go"))!["total"]!);
        var feed = Feed(await anonB.GetStringAsync("advisories.atom"));
        Assert.Contains("CVE-2026-32681", Assert.Single(feed.Items).Title.Text);
        Assert.Contains(feed.Items.Single().Links, l => l.Title == "CSAF 2.0" && l.Uri.ToString() == canonicalCsaf);

        // A later draft revision after disclosure: a new version, modified changes, CSAF history grows; no second announcement.
        var modified1 = (string)osv["modified"]!;
        // No pause: versions within one second still get distinct (whole-second) timestamps, each later than the last.
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 2, GoldenDrafts.MultiPackage with { Details = "Updated details." }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var csaf2 = JsonNode.Parse(await DisclosureHost.EventuallyAsync(async () =>
        {
            var body = await anonA.GetStringAsync($"advisories/{guessedId}.csaf.json");
            return (string?)JsonNode.Parse(body)!["document"]!["tracking"]!["version"] == "2" ? body : null;
        }, "version 2"))!;
        Assert.Equal(2, csaf2["document"]!["tracking"]!["revision_history"]!.AsArray().Count);
        Assert.Empty(CsafMandatoryChecks.Run(csaf2));
        var osv2 = JsonNode.Parse(await anonA.GetStringAsync($"advisories/{guessedId}.osv.json"))!;
        Assert.True(string.CompareOrdinal((string)osv2["modified"]!, modified1) > 0, $"{modified1} then {osv2["modified"]}");
        Assert.Equal((string)osv["published"]!, (string)osv2["published"]!);
        Assert.Single(sink.Messages());
        Assert.Single(bus.Published);

        // Withdrawn by a member: OSV "withdrawn", a new version, still listed.
        static StringContent Reason(string? reason) => new(System.Text.Json.JsonSerializer.Serialize(new { reason }), System.Text.Encoding.UTF8, "application/json");
        var noReason = await member.PostAsync($"cases/{caseId}/advisory/withdraw", Reason("  "));
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("\"reason\"", await noReason.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonA.PostAsync($"cases/{caseId}/advisory/withdraw", Reason("x"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await member.PostAsync($"cases/{Guid.NewGuid()}/advisory/withdraw", Reason("x"))).StatusCode);
        var withdrawal = await member.PostAsync($"cases/{caseId}/advisory/withdraw", Reason("Duplicate of another advisory"));
        Assert.Equal(HttpStatusCode.OK, withdrawal.StatusCode);
        Assert.Equal(3, (int)JsonNode.Parse(await withdrawal.Content.ReadAsStringAsync())!["version"]!);
        Assert.Equal(HttpStatusCode.Conflict, (await member.PostAsync($"cases/{caseId}/advisory/withdraw", Reason("again"))).StatusCode);
        // Intake hears of it (it closes the case) with who withdrew it and why.
        var told = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Withdrawn.TryPeek(out var w) ? w : null), "AdvisoryWithdrawn");
        Assert.Equal((caseId, guessedId, 3, "Duplicate of another advisory"), (told.CaseId, told.AdvisoryId, told.Version, told.Reason));
        Assert.NotEqual(Guid.Empty, told.WithdrawnBy);
        Assert.Single(bus.Withdrawn);
        var withdrawn = JsonNode.Parse(await anonB.GetStringAsync($"advisories/{guessedId}.osv.json"))!;
        Assert.NotNull(withdrawn["withdrawn"]);
        Assert.True(string.CompareOrdinal((string)withdrawn["modified"]!, (string)osv2["modified"]!) > 0, $"{osv2["modified"]} then {withdrawn["modified"]}");
        Assert.Equal("Duplicate of another advisory", (string?)withdrawn["database_specific"]!["withdrawn_reason"]);
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, withdrawn));
        var listed = JsonNode.Parse(await anonA.GetStringAsync("advisories"))!["items"]!.AsArray();
        Assert.NotNull(Assert.Single(listed)!["withdrawn"]);
    }

    [Fact]
    public async Task A_PublishAdvisory_ahead_of_its_draft_waits_for_that_or_a_later_revision_and_the_announcement_is_retried_until_the_list_accepts_it()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = await StartSinkAsync();
        var refusals = 0;
        sink.RecipientPolicy = _ => Interlocked.Increment(ref refusals) <= 2 ? new SmtpReply(451, "try again later") : null;
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        using var http = service.CreateClient();
        var caseId = Guid.NewGuid();

        await bus.SendToDisclosure(new PublishAdvisory(caseId, 3), NewId.NextGuid());
        await WaitForHandledAsync(isolation, "PublishAdvisoryConsumer", 1);
        Assert.Equal(1, await ScalarAsync(isolation, "SELECT count(*) FROM pending_publications"));
        Assert.Equal(0, (int)JsonNode.Parse(await http.GetStringAsync("advisories"))!["total"]!);

        // An older revision does not complete it; a later one does (the instant has passed: publish what is newest).
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 2, GoldenDrafts.NoCveCvss4, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await WaitForHandledAsync(isolation, "AdvisoryDraftUpdatedConsumer", 1);
        Assert.Equal(1, await ScalarAsync(isolation, "SELECT count(*) FROM pending_publications"));
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 4, GoldenDrafts.NoCveCvss4, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null), "AdvisoryPublished");
        Assert.Null(published.CveId);
        Assert.Equal(4, published.Revision);
        Assert.Equal(0, await ScalarAsync(isolation, "SELECT count(*) FROM pending_publications"));
        Assert.Equal(2, published.Urls.Count);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"advisories/{published.AdvisoryId}.cve.json")).StatusCode);
        var osv = JsonNode.Parse(await http.GetStringAsync($"advisories/{published.AdvisoryId}.osv.json"))!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, osv));
        Assert.Equal("CVSS_V4", (string?)osv["severity"]![0]!["type"]);
        var mail = File.ReadAllText(Assert.Single(await sink.WaitForMessagesAsync(1, TimeSpan.FromSeconds(30))));
        Assert.Contains($"Subject: [{published.AdvisoryId}] Unbounded recursion in exampleparse", mail);
        // The row is marked sent in the transaction that commits after the SMTP server's "250".
        await DisclosureHost.EventuallyAsync(async () =>
            await ScalarAsync(isolation, "SELECT count(*) FROM announcements WHERE sent_at IS NOT NULL") == 1 ? "" : null, "the announcement marked sent");
        Assert.Equal(3, await ScalarAsync(isolation, "SELECT attempts FROM announcements"));
        await Task.Delay(TimeSpan.FromSeconds(1)); // a second copy, if one were sent, would be here by now
        Assert.Single(sink.Messages());

        var bad = await http.GetAsync("advisories?pageSize=0&page=0");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = JsonNode.Parse(await bad.Content.ReadAsStringAsync())!;
        Assert.NotNull(problem["errors"]!["pageSize"]);
        Assert.NotNull(problem["errors"]!["page"]);
    }

    [Fact]
    public async Task A_PublishAdvisory_handled_after_a_later_revision_arrived_publishes_the_newest_revision()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = await StartSinkAsync();
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        var caseId = Guid.NewGuid();

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.Minimal, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await bus.Publish(new AdvisoryDraftUpdated(caseId, 2, GoldenDrafts.Minimal with { Details = "Revised." }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await WaitForHandledAsync(isolation, "AdvisoryDraftUpdatedConsumer", 2);
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());

        var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null), "AdvisoryPublished");
        Assert.Equal(2, published.Revision);
        Assert.Equal(2, await ScalarAsync(isolation, "SELECT current_revision FROM advisories"));
        Assert.Equal(1, await ScalarAsync(isolation, "SELECT count(*) FROM advisory_versions"));
        using var http = service.CreateClient();
        var osv = JsonNode.Parse(await http.GetStringAsync($"advisories/{published.AdvisoryId}.osv.json"))!;
        Assert.EndsWith("Revised.", (string)osv["details"]!);
    }

    [Fact]
    public async Task A_draft_without_an_affected_package_is_not_published_and_says_why_until_a_revision_names_one()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = await StartSinkAsync();
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        using var http = service.CreateClient();
        using var member = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member));
        var caseId = Guid.NewGuid();

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.Minimal with { Affected = [] }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await WaitForHandledAsync(isolation, "AdvisoryDraftUpdatedConsumer", 1);
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());
        await WaitForHandledAsync(isolation, "PublishAdvisoryConsumer", 1);

        Assert.Equal(0, (int)JsonNode.Parse(await http.GetStringAsync("advisories"))!["total"]!);
        Assert.Equal(1, await ScalarAsync(isolation, "SELECT count(*) FROM pending_publications WHERE revision = 1 AND reason = @Reason",
            new { Reason = Disclosure.Publishing.Publishability.NoAffectedPackage }));
        var preview = await member.GetAsync($"cases/{caseId}/advisory/preview");
        Assert.Equal(Disclosure.Publishing.Publishability.NoAffectedPackage, Assert.Single(preview.Headers.GetValues("X-Publication-Refused")));
        Assert.Contains(Disclosure.Publishing.Publishability.NoAffectedPackage, service.Output);
        // A 404 of the preview says why: no draft of the case, or (CVE) no CVE id in it.
        var noCase = await member.GetAsync($"cases/{Guid.NewGuid()}/advisory/preview");
        Assert.Equal(HttpStatusCode.NotFound, noCase.StatusCode);
        Assert.StartsWith("No draft of this case", (string?)JsonNode.Parse(await noCase.Content.ReadAsStringAsync())!["detail"]);
        var noCveCase = Guid.NewGuid();
        await bus.Publish(new AdvisoryDraftUpdated(noCveCase, 1, GoldenDrafts.NoCveCvss4, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var noCve = await DisclosureHost.EventuallyAsync(async () =>
        {
            var r = await member.GetAsync($"cases/{noCveCase}/advisory/preview?format=cve");
            var detail = (string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())?["detail"];
            return r.StatusCode == HttpStatusCode.NotFound && detail?.Contains("no CVE id") == true ? detail : null;
        }, "the CVE preview's refusal");
        Assert.Contains("cveId", noCve);

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 2, GoldenDrafts.Minimal, Guid.NewGuid(), DateTimeOffset.UtcNow));
        var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null), "AdvisoryPublished");
        Assert.Equal(2, published.Revision);
        Assert.Equal(0, await ScalarAsync(isolation, "SELECT count(*) FROM pending_publications"));
    }

    [Fact]
    public async Task Public_API_inputs_and_titles_that_broke_it_are_answered_and_caching_relies_on_the_ETag_alone()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = await StartSinkAsync();
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        await using var bus = await TestBus.StartAsync(isolation);
        using var http = service.CreateClient();
        var caseId = Guid.NewGuid();
        const string Title = "Bell\u0007, vertical tab\u000B, form feed\u000C and U+FFFE\uFFFE in examplezip";

        await bus.Publish(new AdvisoryDraftUpdated(caseId, 1, GoldenDrafts.Minimal with { Title = Title }, Guid.NewGuid(), DateTimeOffset.UtcNow));
        await bus.SendToDisclosure(new PublishAdvisory(caseId, 1), NewId.NextGuid());
        var published = await DisclosureHost.EventuallyAsync(() => Task.FromResult(bus.Published.TryPeek(out var p) ? p : null), "AdvisoryPublished");

        // XML 1.0 cannot carry those characters: the feed shows U+FFFD instead of failing as a whole.
        var feedResponse = await http.GetAsync("advisories.atom");
        Assert.Equal(HttpStatusCode.OK, feedResponse.StatusCode);
        var entry = Assert.Single(Feed(await feedResponse.Content.ReadAsStringAsync()).Items);
        Assert.Equal($"[{published.CveId}] Bell\uFFFD, vertical tab\uFFFD, form feed\uFFFD and U+FFFE\uFFFD in examplezip", entry.Title.Text);

        foreach (var (query, parameter) in new[] { ("page=2147483647", "page"), ("ecosystem=%00", "ecosystem"), ("package=%00", "package") })
        {
            var response = await http.GetAsync("advisories?" + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![parameter]);
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("advisories?page=100000")).StatusCode);
        // Kestrel refuses a NUL in the path before any endpoint runs.
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("advisories/x%00.osv.json")).StatusCode);

        // A date cannot tell two changes in the same second apart: If-Modified-Since alone never gets a 304.
        foreach (var url in new[] { $"advisories/{published.AdvisoryId}.osv.json", "advisories", "advisories.atom" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.IfModifiedSince = DateTimeOffset.UtcNow.AddDays(1);
            var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(response.Content.Headers.LastModified);
            Assert.NotNull(response.Headers.ETag);
        }
    }

    [Fact]
    public async Task An_OSV_id_prefix_the_schema_refuses_stops_the_service_with_one_line_naming_it()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        var settings = DisclosureHost.Settings(isolation, 25);
        settings["Disclosure__IdPrefix"] = "COORD";
        await using var service = ServiceProcess.Start("Disclosure", settings);
        Assert.Equal(2, await service.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("Disclosure:IdPrefix", service.Output);
    }

    private static async Task<MailSinkServer> StartSinkAsync()
    {
        var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        await sink.StartAsync();
        return sink;
    }

    private static SyndicationFeed Feed(string atom)
    {
        using var reader = XmlReader.Create(new StringReader(atom));
        return SyndicationFeed.Load(reader);
    }

    private static async Task<string?> BodyIfOk(HttpClient http, string url)
    {
        var r = await http.GetAsync(url);
        return r.IsSuccessStatusCode ? await r.Content.ReadAsStringAsync() : null;
    }

    private static async Task<long> ScalarAsync(Isolation isolation, string sql, object? args = null)
    {
        await using var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(isolation.ConnectionString) { SearchPath = "disclosure" }.ConnectionString);
        return await conn.ExecuteScalarAsync<long>(sql, args);
    }

    private static Task WaitForHandledAsync(Isolation isolation, string consumer, int count) =>
        DisclosureHost.EventuallyAsync(async () =>
            await ScalarAsync(isolation, "SELECT count(*) FROM processed_messages WHERE consumer = @Consumer", new { Consumer = consumer }) >= count ? "" : null,
            $"{count} message(s) handled by {consumer}");
}
