using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Coord.Cli;
using Coord.Commands;
using Coord.Http;
using Coord.Output;
using Spectre.Console;

namespace Coord.Demo;

/// <summary>
/// The scripted scenario: a report arrives; a member opens a case and writes the draft with credits; downstream
/// projects (two with freshly generated OpenPGP keys) are registered with direct and transitive dependency edges;
/// an embargo of a few seconds starts; the notices land in the mail sink (encrypted ones are decrypted with gpg);
/// two recipients acknowledge through their links; at the instant the advisory is published in three formats and
/// the announcement and now-public notices land. Every step goes through the services' public HTTP APIs.
/// </summary>
public sealed class DemoScenario(CliContext ctx, DirectoryInfo mailDir, TimeSpan embargo)
{
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private readonly CoordApi api = ctx.Api;
    private readonly IAnsiConsole console = ctx.Console;
    private readonly string run = Guid.NewGuid().ToString("N")[..6];
    private readonly List<LandedMail> mails = [];
    private MailFolder folder = null!;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        folder = new MailFolder(mailDir);
        var package = $"coord-demo-{run}";
        Title("Coordination demo");
        Say($"Mail sink folder: [link]{Markup.Escape(folder.Path)}[/] (every message as an .eml file)");
        Say($"API reference pages: {string.Join("  ", api.All.Select(s => Markup.Escape(s.BaseUrl + "/scalar/v1")))}");
        var me = (await api.Intake.GetAsync("/whoami", ct)).Json;
        Say($"Acting as member [bold]{Markup.Escape(me.S("name"))}[/] ({Markup.Escape(me.S("role"))}).");

        Step("1. A report arrives");
        var report = (await api.Intake.PostAsync("/reports", new
        {
            reporterName = "Ada Reporter", reporterEmail = "ada@example.org", components = new[] { package },
            subject = $"Path traversal in {package}", description = $"{package}.extract() writes outside the target directory for names containing '../'.",
            credit = new { wanted = true, name = "Ada Reporter", types = new[] { "FINDER", "REPORTER" } },
        }, ct)).Json;
        var reportId = report.S("id");
        Say($"POST /reports → report [bold]{reportId}[/] (anonymous; the reporter keeps a token to read replies)");

        Step("2. A member opens a case and writes the advisory draft");
        var caseJson = (await api.Intake.PostAsync("/cases", new { reportIds = new[] { reportId } }, ct)).Json;
        var caseId = Guid.Parse(caseJson.S("id"));
        Say($"Case [bold]{caseId}[/] opened; coordinator: you. Subject tag in mails: [bold]{Markup.Escape(SubjectTag(caseId))}[/]");
        var cve = $"CVE-2026-{Random.Shared.Next(50000, 99999)}";
        var revision = (await api.Intake.PutAsync($"/cases/{caseId}/draft", new { revision = 0, draft = Draft(package, cve) }, ct)).Json;
        Say($"Draft saved as revision {revision.S("revision")}: affected PyPI {package} (introduced 1.0, fixed 1.4.2), CVSS 3.1 High, CWE-22, {cve}");
        foreach (var (name, types) in new[] { ("Grace Developer", new[] { "REMEDIATION_DEVELOPER" }), ("Linus Reviewer", new[] { "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER" }) })
        {
            var r = (await api.Intake.PostAsync($"/cases/{caseId}/credits", new { name, types }, ct)).Json;
            Say($"coord credit add: {name} ({string.Join(", ", types)}) → revision {r.S("revision")}");
        }

        Step("3. Downstream projects and their contacts (two with OpenPGP keys made by gpg --batch)");
        using var gpg = new Gpg();
        var debianKey = await gpg.GenerateKeyAsync("Debian Security", $"security-{run}@debian.example", ct);
        var fedoraKey = await gpg.GenerateKeyAsync("Fedora Security", $"security-{run}@fedora.example", ct);
        Say($"Keys generated in a temporary GNUPGHOME ({Markup.Escape(gpg.Home)})");
        var debian = await ProjectAsync($"Debian python3-{package}", "Debian", [$"pkg:pypi/{package}"], [$"pkg:deb/debian/python3-{package}"], ["distros"], ct);
        await ContactAsync(debian, "Debian Security", $"security-{run}@debian.example", debianKey, ct);
        var fedora = await ProjectAsync($"Fedora python-{package}", "Fedora", [$"pkg:pypi/{package}"], [$"pkg:rpm/fedora/python-{package}"], ["distros"], ct);
        await ContactAsync(fedora, "Fedora Security", $"security-{run}@fedora.example", fedoraKey, ct);
        var webapp = await ProjectAsync($"Acme Webapp {run}", null, [$"pkg:deb/debian/python3-{package}"], [], ["default"], ct);
        await ContactAsync(webapp, "Acme Ops", $"ops-{run}@acme.example", null, ct);
        var mirror = await ProjectAsync($"Mirror Distro {run}", null, [$"pkg:pypi/{package}"], [], ["distros"], ct);
        await ContactAsync(mirror, "Mirror Admin", $"admin-{run}@mirror.example", null, ct);
        Say("Acme Webapp depends on Debian's package only: it is reached transitively.");

        Step("4. Who will be told (coord recipients)");
        var recipients = await WaitForRecipientsAsync(caseId, 4, ct);
        console.Write(Tables.Of(recipients?["recipients"], ("contact", r => r.S("email")), ("mode", r => r.S("mode")), ("path", r => r.List("path", " → "))));
        var expected = (recipients?["recipients"] as JsonArray)?.Count ?? 0;

        Step($"5. Embargo: disclosure in {embargo.TotalSeconds:0} s");
        var disclosureAt = DateTimeOffset.UtcNow + embargo;
        await api.Intake.PostAsync($"/cases/{caseId}/embargo", new { disclosureAt, channels = new[] { "default" } }, ct);
        Say($"POST /cases/{{id}}/embargo → disclosure at [bold]{disclosureAt.UtcDateTime:HH:mm:ss}Z[/]; waiting for the scheduler to accept…");
        var state = await WaitForEmbargoAsync(caseId, ct);
        if (state is null) return 1;

        Step("6. Notices land in the mail sink");
        var acknowledged = 0;
        var embargoed = await WaitForMailsAsync(m => m.Subject.Contains(SubjectTag(caseId), StringComparison.Ordinal) && m.Subject.Contains("Embargoed", StringComparison.Ordinal),
            expected, TimeSpan.FromSeconds(20), ct);
        Step("7. Two recipients acknowledge through the link in their notice");
        foreach (var mail in embargoed.Where(m => m.Encrypted).Take(1).Concat(embargoed.Where(m => !m.Encrypted && m.To.Contains("acme", StringComparison.Ordinal)).Take(1)))
        {
            var text = mail.Encrypted ? LandedMail.TextOf(await gpg.DecryptAsync(mail.ArmoredPayload() ?? "", ct)) : mail.PlainText;
            if (mail.Encrypted) Say($"gpg --decrypt {mail.FileName}: {Markup.Escape(text.Split('\n').FirstOrDefault(l => l.StartsWith("What:", StringComparison.Ordinal)) ?? "(decrypted)")}");
            if (NoticeLinks.Token(text) is not { } token) { Warn($"no link found in {mail.FileName}"); continue; }
            var link = $"{api.Notifier.BaseUrl}/notices/{token}";
            var anonymous = new ServiceClient("downstream-notifier", api.Notifier.BaseUrl, null, ctx.Environment.Handler);
            await anonymous.GetAsync($"/notices/{token}", ct);
            var status = acknowledged == 0 ? "affected" : "not_affected";
            await anonymous.PostAsync($"/notices/{token}/status", new { status, statement = status == "affected" ? "Patched package ready." : "We vendor a fixed copy." }, ct);
            acknowledged++;
            Say($"{Markup.Escape(mail.To)} followed {Markup.Escape(link[..Math.Min(link.Length, 60)])}… and answered [bold]{status}[/]");
        }

        Step("8. Waiting for the disclosure instant");
        var before = (await api.Disclosure.GetAsync($"/advisories?package={Uri.EscapeDataString(package)}", ct)).Json;
        Say($"Public index before the instant: {before.S("total")} advisories for {package} ({Markup.Escape(api.Disclosure.BaseUrl)}/advisories?package={package}) — nothing public yet.");
        var advisoryId = await WaitForPublicationAsync(caseId, disclosureAt, ct);
        if (advisoryId is null) return 1;
        var published = DateTimeOffset.UtcNow;
        Say($"Advisory [bold]{Markup.Escape(advisoryId)}[/] published {(published - disclosureAt).TotalSeconds:0.0} s after the instant.");

        Step("9. The advisory in the public feed, in three formats");
        var baseUrl = $"{api.Disclosure.BaseUrl}/advisories/{Uri.EscapeDataString(advisoryId)}";
        foreach (var (format, url) in new[] { ("OSV", baseUrl + ".osv.json"), ("CVE JSON 5", baseUrl + ".cve.json"), ("CSAF 2.0", baseUrl + ".csaf.json"), ("Atom feed", api.Disclosure.BaseUrl + "/advisories.atom") })
        {
            var response = await api.Disclosure.GetAsync(url[api.Disclosure.BaseUrl.Length..], ct, accept: "*/*");
            Say($"{format,-11} [link]{Markup.Escape(url)}[/] ({response.Body.Length:N0} bytes)");
        }

        Step("10. The announcement and the now-public notices");
        await WaitForMailsAsync(m => m.Subject.Contains(SubjectTag(caseId), StringComparison.Ordinal) && m.Subject.Contains("Now public", StringComparison.Ordinal)
            || m.Subject.Contains(cve, StringComparison.Ordinal) || m.Subject.Contains(advisoryId, StringComparison.Ordinal), expected + 1, TimeSpan.FromSeconds(20), ct);

        Step("Done");
        foreach (var line in StatusSnapshot.From(caseId, (await api.Embargo.GetAsync($"/cases/{caseId}/embargo", ct)).Json,
                     (await api.Notifier.GetAsync($"/cases/{caseId}/notices", ct)).Json).Lines(DateTimeOffset.UtcNow))
            Say(Markup.Escape(line));
        Say($"Look at: the mails in {Markup.Escape(folder.Path)}, `coord case timeline {caseId}`, `coord status {caseId}`, {Markup.Escape(api.Disclosure.BaseUrl)}/advisories");
        Say($"Finished in {clock.Elapsed.TotalSeconds:0} s.");
        return 0;
    }

    private static object Draft(string package, string cve) => new
    {
        title = $"Path traversal in {package} archive extraction",
        summary = $"{package}.extract() can write files outside the target directory.",
        details = "Member names containing '../' are joined to the target directory without normalisation, so a crafted archive overwrites arbitrary files the process may write.",
        affected = new[]
        {
            new
            {
                ecosystem = "PyPI", name = package, purl = $"pkg:pypi/{package}",
                ranges = new[] { new { type = "ECOSYSTEM", events = new object[] { new { introduced = "1.0" }, new { @fixed = "1.4.2" } } } },
            },
        },
        severity = new { rating = "High", cvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:H/A:H" },
        cwes = new[] { "CWE-22" },
        references = new[] { new { type = "FIX", url = $"https://github.com/example/{package}/commit/0123456789abcdef" } },
        cveId = cve,
        credits = new[] { new { name = "Ada Reporter", types = new[] { "FINDER", "REPORTER" }, contact = "ada@example.org" } },
        remediation = "Upgrade to 1.4.2.",
    };

    private async Task<Guid> ProjectAsync(string name, string? ecosystem, string[] depends, string[] ships, string[] channels, CancellationToken ct)
    {
        var packages = depends.Select(p => new { purl = p, relation = "depends" }).Concat(ships.Select(p => new { purl = p, relation = "ships" }));
        var j = (await api.Notifier.PostAsync("/projects", new { name, ecosystem, packages, channels }, ct)).Json;
        Say($"project [bold]{Markup.Escape(name)}[/] ({string.Join(", ", channels)}): depends on {Markup.Escape(string.Join(", ", depends))}" +
            (ships.Length > 0 ? $", ships {Markup.Escape(string.Join(", ", ships))}" : ""));
        return Guid.Parse(j.S("id"));
    }

    private async Task ContactAsync(Guid project, string name, string email, string? key, CancellationToken ct)
    {
        var j = (await api.Notifier.PostAsync($"/projects/{project}/contacts", new { name, email, role = "security", publicKey = key, timeZone = "Europe/Berlin" }, ct)).Json;
        Say($"  contact {Markup.Escape(email)}" + (j?["key"] is { } k ? $" with key {k.S("fingerprint")}" : " (no key)"));
    }

    private async Task<JsonNode?> WaitForRecipientsAsync(Guid caseId, int atLeast, CancellationToken ct)
    {
        JsonNode? last = null;
        for (var i = 0; i < 40; i++) // the notifier learns the draft from AdvisoryDraftUpdated on the bus
        {
            last = (await api.Notifier.GetAsync($"/cases/{caseId}/recipients", ct)).Json;
            if ((last?["recipients"] as JsonArray)?.Count >= atLeast) break;
            await Task.Delay(250, ct);
        }
        return last;
    }

    private async Task<string?> WaitForEmbargoAsync(Guid caseId, CancellationToken ct)
    {
        for (var i = 0; i < 60; i++)
        {
            try
            {
                var e = (await api.Embargo.GetAsync($"/cases/{caseId}/embargo", ct)).Json;
                if (e.S("state") == "Embargoed")
                {
                    Say($"Scheduler: [green]Embargoed[/] until {e.Utc("disclosureAt")}; reminders and the disclosure are on its durable clock.");
                    return e.S("state");
                }
                if (e?["refusals"] is JsonArray { Count: > 0 } refusals)
                {
                    Warn($"the scheduler refused the embargo: {refusals[^1]?.ToJsonString()}");
                    Warn("the local services need a short minimum lead time: Embargo__MinimumLeadTime=00:00:05 (see ./run.sh)");
                    return null;
                }
            }
            catch (ApiProblemException p) when (p.Status == HttpStatusCode.NotFound) { }
            await Task.Delay(250, ct);
        }
        Warn("the embargo did not start within 15 s (is the embargo-scheduler running? see .local/logs/)");
        return null;
    }

    private async Task<string?> WaitForPublicationAsync(Guid caseId, DateTimeOffset disclosureAt, CancellationToken ct)
    {
        var lastPrinted = DateTimeOffset.MinValue;
        while (DateTimeOffset.UtcNow < disclosureAt + TimeSpan.FromSeconds(30))
        {
            var (e, n) = await StatusCommand.FetchAsync(api, caseId, ct);
            if (e?["advisoryId"]?.ToString() is { Length: > 0 } id) return id;
            if (DateTimeOffset.UtcNow - lastPrinted > TimeSpan.FromSeconds(5))
            {
                var s = StatusSnapshot.From(caseId, e, n);
                Say($"{Markup.Escape(s.State)}: {Markup.Escape(s.Countdown(DateTimeOffset.UtcNow))}; notices {s.Sent}/{s.Notices} sent, {s.Acknowledged}/{s.Recipients} acknowledged");
                lastPrinted = DateTimeOffset.UtcNow;
            }
            ShowNewMails();
            await Task.Delay(250, ct);
        }
        Warn("no advisory 30 s after the instant (see .local/logs/EmbargoScheduler.log and Disclosure.log)");
        return null;
    }

    private async Task<List<LandedMail>> WaitForMailsAsync(Func<LandedMail, bool> match, int count, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            ShowNewMails();
            var found = mails.Where(match).ToList();
            if (found.Count >= count) return found;
            if (DateTimeOffset.UtcNow > deadline)
            {
                Warn($"{found.Count} of {count} expected messages arrived within {timeout.TotalSeconds:0} s");
                return found;
            }
            await Task.Delay(200, ct);
        }
    }

    private void ShowNewMails()
    {
        foreach (var m in folder.TakeNew())
        {
            mails.Add(m);
            Say($"[blue]mail[/] {Markup.Escape(m.FileName)} → {Markup.Escape(m.To)}: {Markup.Escape(m.Subject)}{(m.Encrypted ? " [green](PGP/MIME encrypted)[/]" : "")}");
        }
    }

    private static string SubjectTag(Guid caseId) => $"[COORD-{caseId:N}"[..15] + "]";

    private void Title(string text) => console.Write(new Rule($"[bold]{Markup.Escape(text)}[/]").LeftJustified());
    private void Step(string text) => console.MarkupLine($"\n[yellow]{Elapsed}[/] [bold underline]{Markup.Escape(text)}[/]");
    private void Say(string markup) => console.MarkupLine($"[grey]{Elapsed}[/] {markup}");
    private void Warn(string text) => console.MarkupLine($"[grey]{Elapsed}[/] [red]{Markup.Escape(text)}[/]");
    private string Elapsed => $"+{clock.Elapsed:mm\\:ss}";
}
