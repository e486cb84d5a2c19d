using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Coordination.Testing;

namespace Coordination.EndToEnd;

/// <summary>
/// One coordination, driven over HTTP as members, reporters and downstream maintainers drive it. Each scenario
/// has its own affected package, so the recipients of one never overlap another's.
/// </summary>
public sealed partial class Scenario(CoordinationSystem system, Gpg gpg)
{
    public static readonly string[] AllCreditTypes =
        ["FINDER", "REPORTER", "ANALYST", "COORDINATOR", "REMEDIATION_DEVELOPER", "REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER", "TOOL", "SPONSOR", "OTHER"];

    private readonly string suffix = Guid.NewGuid().ToString("N")[..6];

    public string Package => $"coordlib-{suffix}";
    public string CveId { get; } = $"CVE-2026-{Random.Shared.Next(10000, 99999)}";
    public Guid CaseId { get; private set; }
    /// <summary>A word in every embargoed text of the scenario (report, title, summary, details, remediation) and nowhere
    /// else, to look for where embargoed text must never be (logs, telemetry).</summary>
    public string Secret { get; } = "zqx" + Guid.NewGuid().ToString("N")[..12];
    public string Title => $"Header injection in coordlib {suffix} via {Secret}";
    public List<Downstream> Contacts { get; } = [];

    public sealed record Downstream(string Project, string Email, bool Encrypted, bool Selected);

    /// <summary>A reporter reports; a member opens a case and writes the draft with every credit type.</summary>
    public async Task ReportAndDraftAsync()
    {
        using var anonymous = system.Client(system.Intake, asMember: false);
        var report = await Json(await anonymous.PostAsJsonAsync("reports", new
        {
            reporterName = "Rita Reporter",
            reporterEmail = "rita@example.org",
            components = new[] { Package },
            description = $"The {Package} client lets CRLF through into request headers ({Secret}).",
            credit = new { wanted = true, name = "Rita Reporter", types = new[] { "FINDER", "REPORTER" } },
        }), HttpStatusCode.Accepted);

        using var member = system.Client(system.Intake);
        var opened = await Json(await member.PostAsJsonAsync("cases", new { reportIds = new[] { report["id"]!.GetValue<Guid>() } }), HttpStatusCode.Created);
        CaseId = opened["id"]!.GetValue<Guid>();

        var credits = new JsonArray(
            new JsonObject { ["name"] = "Rita Reporter", ["contact"] = "rita@example.org", ["types"] = new JsonArray("FINDER", "REPORTER") },
            new JsonObject { ["name"] = "Ana Analyst", ["types"] = new JsonArray("ANALYST", "COORDINATOR") },
            new JsonObject { ["name"] = "Dev Fixer", ["types"] = new JsonArray("REMEDIATION_DEVELOPER") },
            new JsonObject { ["name"] = "Rev Reviewer", ["types"] = new JsonArray("REMEDIATION_REVIEWER", "REMEDIATION_VERIFIER") },
            new JsonObject { ["name"] = "Fuzzer Bot", ["types"] = new JsonArray("TOOL") },
            new JsonObject { ["name"] = "Alpha-Omega", ["types"] = new JsonArray("SPONSOR", "OTHER") });
        var draft = new JsonObject
        {
            ["title"] = Title,
            ["summary"] = $"CRLF injection in request headers ({Secret})",
            ["details"] = $"{Package} before 2.2.2 does not reject CR and LF in header values ({Secret}).",
            ["affected"] = new JsonArray(new JsonObject
            {
                ["ecosystem"] = "PyPI",
                ["name"] = Package,
                ["purl"] = $"pkg:pypi/{Package}",
                ["ranges"] = new JsonArray(new JsonObject
                {
                    ["type"] = "ECOSYSTEM",
                    ["events"] = new JsonArray(new JsonObject { ["introduced"] = "0" }, new JsonObject { ["fixed"] = "2.2.2" }),
                }),
            }),
            ["severity"] = new JsonObject { ["rating"] = "High", ["cvssVector"] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N" },
            ["cwes"] = new JsonArray("CWE-93"),
            ["references"] = new JsonArray(new JsonObject { ["type"] = "FIX", ["url"] = $"https://github.com/example/{Package}/commit/abc" }),
            ["cveId"] = CveId,
            ["credits"] = credits,
            ["remediation"] = $"Upgrade to 2.2.2 ({Secret}).",
        };
        var saved = await Json(await member.PutAsJsonAsync($"cases/{CaseId}/draft", new JsonObject { ["revision"] = 0, ["draft"] = draft }), HttpStatusCode.OK);
        Assert.Equal(1, saved["revision"]!.GetValue<int>());
        Draft = draft;
    }

    private JsonObject Draft { get; set; } = [];

    /// <summary>A member revises the draft's details (revision 1 → 2), e.g. while the embargo runs.</summary>
    public async Task ReviseDetailsAsync(string details)
    {
        using var member = system.Client(system.Intake);
        var draft = (JsonObject)Draft.DeepClone();
        draft["details"] = details;
        var saved = await Json(await member.PutAsJsonAsync($"cases/{CaseId}/draft", new JsonObject { ["revision"] = 1, ["draft"] = draft }), HttpStatusCode.OK);
        Assert.Equal(2, saved["revision"]!.GetValue<int>());
        Draft = draft;
    }

    /// <summary>
    /// Downstream projects with a dependency graph: a distro package depends on the library (direct), an image ships
    /// on the distro package (transitive), an app depends on the library without a key, and an unrelated project.
    /// </summary>
    public async Task RegisterDownstreamAsync()
    {
        using var member = system.Client(system.Notifier);
        var distroPackage = $"pkg:deb/debian/python3-{Package}";
        await ProjectAsync(member, $"Debian python3-{Package} {suffix}", [new { purl = distroPackage, relation = "ships" }, new { purl = $"pkg:pypi/{Package}", relation = "depends" }],
            ("debian", await gpg.NewRsaKeyAsync($"debian-{suffix}@example.org"), true));
        await ProjectAsync(member, $"Cloud image {suffix}", [new { purl = distroPackage, relation = "depends" }],
            ("cloud", await gpg.NewCurve25519KeyAsync($"cloud-{suffix}@example.org"), true));
        await ProjectAsync(member, $"Webapp {suffix}", [new { purl = $"pkg:pypi/{Package.ToUpperInvariant().Replace('-', '_')}", relation = "depends" }],
            ("webapp", null, true));
        await ProjectAsync(member, $"Unrelated {suffix}", [new { purl = "pkg:pypi/django", relation = "depends" }], ("unrelated", null, false));
    }

    private async Task ProjectAsync(HttpClient member, string name, object[] packages, (string Who, string? Key, bool Selected) contact)
    {
        var project = await Json(await member.PostAsJsonAsync("projects", new { name, ecosystem = "Debian", homepage = "https://example.org", packages, channels = new[] { "default" } }), HttpStatusCode.Created);
        var email = $"{contact.Who}-{suffix}@example.org";
        await Json(await member.PostAsJsonAsync($"projects/{project["id"]}/contacts", new { name = $"{contact.Who} security", email, role = "security", publicKey = contact.Key }), HttpStatusCode.Created);
        Contacts.Add(new Downstream(name, email, contact.Key is not null, contact.Selected));
    }

    public async Task<JsonObject> RecipientsAsync()
    {
        using var member = system.Client(system.Notifier);
        return await Json(await member.GetAsync($"cases/{CaseId}/recipients"), HttpStatusCode.OK);
    }

    public async Task StartEmbargoAsync(DateTimeOffset at)
    {
        using var member = system.Client(system.Intake);
        await Json(await member.PostAsJsonAsync($"cases/{CaseId}/embargo", new { disclosureAt = at, channels = new[] { "default" } }), HttpStatusCode.Accepted);
    }

    public async Task ExtendAsync(DateTimeOffset to)
    {
        using var member = system.Client(system.Scheduler);
        await Json(await member.PostAsJsonAsync($"cases/{CaseId}/embargo/extend", new { disclosureAt = to, reason = "the fix needs another day of review" }), HttpStatusCode.Accepted);
    }

    public async Task BreakAsync()
    {
        using var member = system.Client(system.Scheduler);
        await Json(await member.PostAsJsonAsync($"cases/{CaseId}/embargo/break", new { reason = "details posted on a public tracker" }), HttpStatusCode.Accepted);
    }

    public async Task<JsonObject> EmbargoAsync()
    {
        using var member = system.Client(system.Scheduler);
        return await Json(await member.GetAsync($"cases/{CaseId}/embargo"), HttpStatusCode.OK);
    }

    /// <summary>The notices of this case with a subject of the given kind, waiting until <paramref name="count"/> arrived.</summary>
    public async Task<IReadOnlyList<SunkMail>> WaitForNoticesAsync(string subjectPart, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<SunkMail> found = [];
        while (DateTime.UtcNow < deadline)
        {
            found = NoticesOf(subjectPart);
            if (found.Count >= count) break;
            await Task.Delay(250);
        }
        return found;
    }

    public IReadOnlyList<SunkMail> NoticesOf(string subjectPart) =>
        SunkMail.All(system.Mail).Where(m => m.Subject.Contains($"[COORD-{CaseId.ToString("N")[..8]}]") && m.Subject.Contains(subjectPart)).ToList();

    /// <summary>The acknowledgement link in a notice, decrypting it with the contact's key when it is encrypted.</summary>
    public async Task<string> LinkInAsync(SunkMail notice)
    {
        var text = notice.IsEncrypted ? await gpg.DecryptAsync(notice.EncryptedPayload()) : notice.Message.TextBody ?? "";
        return NoticeLink().Match(text).Value;
    }

    public async Task<JsonObject> NoticesAsync()
    {
        using var member = system.Client(system.Notifier);
        return await Json(await member.GetAsync($"cases/{CaseId}/notices"), HttpStatusCode.OK);
    }

    /// <summary>The public advisory index entries of this case (none before disclosure).</summary>
    public async Task<JsonArray> PublicAdvisoriesAsync()
    {
        using var anonymous = system.Client(system.Disclosure, asMember: false);
        var page = await Json(await anonymous.GetAsync($"advisories?package={Package}"), HttpStatusCode.OK);
        var items = (JsonArray)(page["items"] ?? page["advisories"] ?? new JsonArray());
        return new JsonArray(items.Where(i => i!.ToJsonString().Contains(Package)).Select(i => i!.DeepClone()).ToArray());
    }

    public async Task<JsonArray> WaitForPublicAdvisoryAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var items = await PublicAdvisoriesAsync();
            if (items.Count > 0) return items;
            await Task.Delay(250);
        }
        return [];
    }

    public static async Task<JsonObject> Json(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode} {body}");
        return body.Length == 0 ? new JsonObject() : (JsonObject)JsonNode.Parse(body)!;
    }

    [GeneratedRegex(@"https?://\S+/notices/[A-Za-z0-9_\-\.~%]+")]
    private static partial Regex NoticeLink();
}
