using System.Text;
using System.Text.Json.Nodes;
using Coordination.Contracts.Advisories;
using Coordination.Testing;
using Disclosure.Publishing;
using Disclosure.Rendering;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

/// <summary>Drafts intake accepts that the golden ones do not cover: every record still validates.</summary>
public sealed class AcceptedDraftTests
{
    private static readonly AdvisoryDraft Base = GoldenDrafts.Minimal;

    private static AffectedPackage Unfixed(string ecosystem, string name, string purl) =>
        new(ecosystem, name, purl, [new("ECOSYSTEM", [new(Introduced: "0")])]);

    private static AffectedPackage FixedIn(string ecosystem, string name, string purl, string version) =>
        new(ecosystem, name, purl, [new("ECOSYSTEM", [new(Introduced: "0"), new(Fixed: version)])]);

    public static TheoryData<string> Drafts => new()
    {
        "one package in two Debian releases", "SEMVER and ECOSYSTEM ranges with the same events", "one name in two ecosystems, same fix",
        "details of 100,000 characters", "remediation of 20,000 characters", "details of astral characters across the cut",
        "empty summary and details", "a version and a credit twice", "a source package purl and a fix with '+'",
        "a purl written pkg://", "the advisory's own URL as a reference", "GIT ranges in two repositories",
        "a GIT fix on two branches", "GIT ranges introduced twice", "one package fixed, one not",
        "the same package listed twice",
    };

    private static AdvisoryDraft Get(string name) => name switch
    {
        "one package in two Debian releases" => Base with
        {
            Affected =
            [
                Unfixed("Debian:11", "python3.9", "pkg:deb/debian/python3.9?arch=source"),
                Unfixed("Debian:12", "python3.9", "pkg:deb/debian/python3.9?arch=source"),
            ],
        },
        "SEMVER and ECOSYSTEM ranges with the same events" => Base with
        {
            Affected =
            [
                new("npm", "left-pad", "pkg:npm/left-pad",
                [
                    new("SEMVER", [new(Introduced: "1.0.0"), new(Fixed: "1.4.2")]),
                    new("ECOSYSTEM", [new(Introduced: "1.0.0"), new(Fixed: "1.4.2")]),
                ]),
            ],
        },
        "one name in two ecosystems, same fix" => Base with
        {
            Affected = [FixedIn("PyPI", "foo", "pkg:pypi/foo", "1.2.0"), FixedIn("npm", "foo", "pkg:npm/foo", "1.2.0")],
        },
        "details of 100,000 characters" => Base with { Details = new string('d', 100_000) },
        "remediation of 20,000 characters" => Base with { Remediation = new string('r', 20_000) },
        "details of astral characters across the cut" => Base with { Summary = "", Details = string.Concat(Enumerable.Repeat("\U0001F600", 5_000)) },
        "empty summary and details" => Base with { Summary = "", Details = "" },
        "a version and a credit twice" => Base with
        {
            Affected = [new("PyPI", "examplezip", "pkg:pypi/examplezip", [], ["1.0", "1.0"])],
            Credits = [new("Ada Finder", [CreditTypes.Finder]), new("Ada Finder", [CreditTypes.Finder])],
        },
        "a source package purl and a fix with '+'" => Base with
        {
            Affected = [FixedIn("Debian:12", "curl", "pkg:deb/debian/curl?arch=source", "7.88.1-10+deb12u5")],
        },
        "a purl written pkg://" => Base with { Affected = [FixedIn("PyPI", "foo", "pkg://pypi/foo", "1.2.0")] },
        "the advisory's own URL as a reference" => Base with
        {
            References = [new("ADVISORY", GoldenDrafts.Public().Url("")), new("ADVISORY", GoldenDrafts.Public().Url(""))],
        },
        "GIT ranges in two repositories" => Base with
        {
            Affected =
            [
                new("PyPI", "examplezip", "pkg:pypi/examplezip",
                [
                    new("ECOSYSTEM", [new(Introduced: "0"), new(Fixed: "3.1.4")]),
                    new("GIT", [new(Introduced: Commit('a')), new(Fixed: Commit('b'))], "https://github.com/example/examplezip"),
                    new("GIT", [new(Introduced: Commit('c')), new(Fixed: Commit('d'))], "https://git.example.org/examplezip-fork"),
                    new("GIT", [new(Introduced: Commit('e')), new(Fixed: Commit('f'))], "https://github.com/example/examplezip"),
                ]),
            ],
        },
        // OSV's GIT events have no order: a fix cherry-picked onto a release branch is a second 'fixed' of the same range.
        "a GIT fix on two branches" => Base with
        {
            Affected =
            [
                new("PyPI", "examplezip", "pkg:pypi/examplezip",
                    [new("GIT", [new(Introduced: Commit('a')), new(Fixed: Commit('b')), new(Fixed: Commit('c'))], "https://github.com/example/examplezip")]),
            ],
        },
        "GIT ranges introduced twice" => Base with
        {
            Affected =
            [
                new("PyPI", "examplezip", "pkg:pypi/examplezip",
                [
                    new("GIT", [new(Introduced: Commit('a')), new(Introduced: Commit('b')), new(Fixed: Commit('c'))], "https://github.com/example/examplezip"),
                    new("GIT", [new(Introduced: Commit('d')), new(Introduced: Commit('e')), new(LastAffected: Commit('f')), new(Limit: Commit('1'))], "https://github.com/example/examplezip"),
                ]),
            ],
        },
        "one package fixed, one not" => Base with
        {
            Affected =
            [
                FixedIn("PyPI", "examplezip", "pkg:pypi/examplezip", "3.1.4"),
                Unfixed("npm", "examplezip-js", "pkg:npm/examplezip-js"),
                new("Debian:12", "python3-examplezip", "pkg:deb/debian/python3-examplezip",
                    [new("ECOSYSTEM", [new(Introduced: "3.0-1"), new(LastAffected: "3.1-2")])], ["2.9-1"]),
            ],
        },
        "the same package listed twice" => Base with
        {
            Affected =
            [
                FixedIn("PyPI", "examplezip", "pkg:pypi/examplezip", "3.1.4"),
                new("PyPI", "examplezip", "pkg:pypi/examplezip",
                    [new("GIT", [new(Introduced: Commit('a')), new(Fixed: Commit('b'))], "https://github.com/example/examplezip")]),
                FixedIn("PyPI", "examplezip", "pkg:pypi/examplezip", "3.1.4"),
            ],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory, MemberData(nameof(Drafts))]
    public void Every_record_validates(string name)
    {
        var draft = Get(name);
        var meta = GoldenDrafts.Public(2);
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Osv, OsvRenderer.Render(draft, meta)));
        var cve = CveRenderer.Render(draft, meta)!;
        Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Cve, cve));
        // Beyond the schema: the CNA container must include a problem type (its description in the schema, CVE rules).
        Assert.NotEmpty(cve["containers"]!["cna"]!["problemTypes"]?.AsArray() ?? []);
        foreach (var csaf in new[] { CsafRenderer.Render(draft, meta), CsafRenderer.Render(draft, GoldenDrafts.Preview) })
        {
            Assert.Empty(AdvisorySchemas.Errors(AdvisorySchemas.Csaf, csaf));
            Assert.Empty(CsafMandatoryChecks.Run(csaf));
        }
    }

    private static string Commit(char digit) => new(digit, 40);

    [Fact]
    public void CVE_writes_one_affected_entry_per_repository_with_that_repository_s_commits()
    {
        var affected = CveRenderer.Render(Get("GIT ranges in two repositories"), GoldenDrafts.Public())!["containers"]!["cna"]!["affected"]!.AsArray();

        var entries = affected.Select(a => ((string?)a!["repo"], string.Join(" ", a["versions"]!.AsArray().Select(v => $"{v!["version"]}<{v["lessThan"]}")))).ToList();
        Assert.Equal(2, entries.Count);
        Assert.Equal(("https://github.com/example/examplezip", $"0<3.1.4 {Commit('a')}<{Commit('b')} {Commit('e')}<{Commit('f')}"), entries[0]);
        Assert.Equal(("https://git.example.org/examplezip-fork", $"{Commit('c')}<{Commit('d')}"), entries[1]);
        Assert.All(affected, a => Assert.Equal("examplezip", (string?)a!["packageName"]));
    }

    [Fact]
    public void CVE_keeps_every_commit_of_a_GIT_range_whose_events_do_not_alternate()
    {
        static IEnumerable<string> Versions(string draft) =>
            CveRenderer.Render(Get(draft), GoldenDrafts.Public())!["containers"]!["cna"]!["affected"]![0]!["versions"]!.AsArray()
                .Select(v => $"{v!["version"]}" + (v["lessThan"] is { } lt ? $"<{lt}" : $"<={v["lessThanOrEqual"]}")
                    + string.Concat((v["changes"] as JsonArray ?? []).Select(c => $" {c!["status"]}@{c["at"]}")));

        // Any commit after a or b is affected until it contains either fix, as in OSV.
        Assert.Equal([$"{Commit('a')}<* unaffected@{Commit('b')} unaffected@{Commit('c')}"], Versions("a GIT fix on two branches"));
        Assert.Equal(
        [
            $"{Commit('a')}<* unaffected@{Commit('c')}", $"{Commit('b')}<* unaffected@{Commit('c')}",
            // Up to the last affected commit only: a limit (1) bounds the search, and after f no commit is affected.
            $"{Commit('d')}<={Commit('f')}", $"{Commit('e')}<={Commit('f')}",
        ], Versions("GIT ranges introduced twice"));
    }

    [Fact]
    public void CSAF_offers_the_vendor_fix_only_for_the_products_that_have_one()
    {
        var csaf = CsafRenderer.Render(Get("one package fixed, one not"), GoldenDrafts.Public());

        var names = Products(csaf).ToDictionary(p => p.Id, p => p.Name);
        var remediations = csaf["vulnerabilities"]![0]!["remediations"]!.AsArray()
            .Select(r => ((string)r!["category"]!, (string)r["details"]!, string.Join(" | ", r["product_ids"]!.AsArray().Select(id => names[(string)id!]))));
        Assert.Equal(
        [
            ("vendor_fix", "Upgrade to a fixed version: examplezip 3.1.4.", "examplezip vers:pypi/<3.1.4"),
            ("none_available", "No fix is available yet.", "examplezip-js vers:npm/* | python3-examplezip vers:deb/>=3.0-1|<=3.1-2 | python3-examplezip 2.9-1"),
        ], remediations);
    }

    [Fact]
    public void CSAF_gives_the_team_s_remediation_as_a_vendor_fix_only_to_products_with_a_fix_and_as_a_mitigation_to_the_rest()
    {
        var csaf = CsafRenderer.Render(Get("one package fixed, one not") with { Remediation = "Upgrade, or set EXAMPLEZIP_STRICT=1." }, GoldenDrafts.Public());

        var names = Products(csaf).ToDictionary(p => p.Id, p => p.Name);
        var remediations = csaf["vulnerabilities"]![0]!["remediations"]!.AsArray()
            .Select(r => ((string)r!["category"]!, (string)r["details"]!, string.Join(" | ", r["product_ids"]!.AsArray().Select(id => names[(string)id!]))));
        Assert.Equal(
        [
            ("vendor_fix", "Upgrade, or set EXAMPLEZIP_STRICT=1.", "examplezip vers:pypi/<3.1.4"),
            ("mitigation", "Upgrade, or set EXAMPLEZIP_STRICT=1.", "examplezip-js vers:npm/* | python3-examplezip vers:deb/>=3.0-1|<=3.1-2 | python3-examplezip 2.9-1"),
        ], remediations);
    }

    [Fact]
    public void CVE_reads_a_GIT_range_s_events_in_any_order_and_only_a_package_s_first_entry_has_a_default_status()
    {
        static List<string> Versions(params RangeEvent[] events) =>
            CveRenderer.Render(Base with
                {
                    Affected = [new("PyPI", "examplezip", "pkg:pypi/examplezip", [new("GIT", events, "https://github.com/example/examplezip")])],
                }, GoldenDrafts.Public())!["containers"]!["cna"]!["affected"]![0]!["versions"]!.AsArray()
                .Select(v => $"{v!["version"]}<{v["lessThan"]}" + string.Concat((v["changes"] as JsonArray ?? []).Select(c => $" {c!["status"]}@{c["at"]}")))
                .ToList();
        // A fix on one branch (b) and on another (d): any commit after a or c is affected until it contains either.
        var alternating = Versions(new(Introduced: Commit('a')), new(Fixed: Commit('b')), new(Introduced: Commit('c')), new(Fixed: Commit('d')));
        Assert.Equal(Versions(new(Introduced: Commit('a')), new(Introduced: Commit('c')), new(Fixed: Commit('b')), new(Fixed: Commit('d'))), alternating);
        Assert.Equal([$"{Commit('a')}<* unaffected@{Commit('b')} unaffected@{Commit('d')}", $"{Commit('c')}<* unaffected@{Commit('b')} unaffected@{Commit('d')}"], alternating);

        var entries = CveRenderer.Render(Get("GIT ranges in two repositories"), GoldenDrafts.Public())!["containers"]!["cna"]!["affected"]!.AsArray();
        Assert.Equal("unaffected", (string?)entries[0]!["defaultStatus"]);
        Assert.Null(entries[1]!["defaultStatus"]); // "unaffected" there would say PyPI 1.0 of the same package is not affected
    }

    [Fact]
    public void The_same_package_name_fixed_in_two_ecosystems_is_two_fixed_products()
    {
        var csaf = CsafRenderer.Render(Get("one name in two ecosystems, same fix"), GoldenDrafts.Public());

        var fixedIds = csaf["vulnerabilities"]![0]!["product_status"]!["fixed"]!.AsArray().Select(n => (string)n!).ToList();
        Assert.Equal(["pkg:npm/foo@1.2.0", "pkg:pypi/foo@1.2.0"], Products(csaf).Where(p => fixedIds.Contains(p.Id)).Select(p => p.Purl).Order());
    }

    [Theory]
    [InlineData("a source package purl and a fix with '+'", "pkg:deb/debian/curl?arch=source", "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=source")]
    [InlineData("a purl written pkg://", "pkg:pypi/foo", "pkg:pypi/foo@1.2.0")]
    public void CSAF_purls_are_canonical_with_the_version_before_the_qualifiers(string name, string range, string fix)
    {
        var purls = Products(CsafRenderer.Render(Get(name), GoldenDrafts.Public())).Select(p => p.Purl).ToList();
        Assert.Equal([range, fix], purls);
    }

    [Fact]
    public void OSV_writes_a_purl_in_its_canonical_form()
    {
        var osv = OsvRenderer.Render(Get("a purl written pkg://"), GoldenDrafts.Public());
        Assert.Equal("pkg:pypi/foo", (string?)osv["affected"]![0]!["package"]!["purl"]);
    }

    [Fact]
    public void The_announcement_has_no_run_of_blank_lines_where_summary_and_details_are_empty()
    {
        var empty = AnnouncementComposer.Body(Get("empty summary and details"), GoldenDrafts.Public());
        Assert.DoesNotContain("\n\n\n", empty.ReplaceLineEndings("\n"));
        var full = AnnouncementComposer.Body(Base, GoldenDrafts.Public()).ReplaceLineEndings("\n");
        Assert.Contains($"\n\n{Base.Summary}\n\n{Base.Details}\n\n", full);
    }

    [Fact]
    public void The_announcement_lists_explicit_versions_limits_and_the_repository_of_commits()
    {
        var draft = Base with
        {
            Affected =
            [
                new("PyPI", "examplezip", "pkg:pypi/examplezip",
                [
                    new("ECOSYSTEM", [new(Introduced: "1.0"), new(Limit: "2.0")]),
                    new("GIT", [new(Introduced: Commit('a')), new(Fixed: Commit('b'))], "https://github.com/example/examplezip"),
                ], ["0.9.1", "0.9.2"]),
            ],
        };

        var body = AnnouncementComposer.Body(draft, GoldenDrafts.Public()).ReplaceLineEndings("\n");

        Assert.Contains(
            "  - PyPI examplezip\n      introduced 1.0\n      limit 2.0\n" +
            $"      in https://github.com/example/examplezip:\n      introduced {Commit('a')}\n      fixed in {Commit('b')}\n" +
            "      affected versions 0.9.1, 0.9.2\n", body);
    }

    [Theory]
    [InlineData("Low", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "9.8 Critical")]
    [InlineData("Low", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "0.0 None")]
    [InlineData("Critical", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", "8.7 High")]
    public void The_announcement_gives_the_score_and_rating_the_vector_computes_not_the_rating_typed(string typed, string vector, string computed)
    {
        var body = AnnouncementComposer.Body(Base with { Severity = new(typed, vector) }, GoldenDrafts.Public()).ReplaceLineEndings("\n");
        Assert.Contains($"\nSeverity: {computed} ({vector})\n", body);
        Assert.DoesNotContain(typed, body);
    }

    [Theory]
    [InlineData("details of 100,000 characters")]
    [InlineData("details of astral characters across the cut")]
    public void Over_long_details_are_shortened_in_the_CVE_record_with_a_pointer_and_stay_whole_in_OSV_and_CSAF(string name)
    {
        var draft = Get(name);
        var meta = GoldenDrafts.Public();

        var description = (string)CveRenderer.Render(draft, meta)!["containers"]!["cna"]!["descriptions"]![0]!["value"]!;
        Assert.InRange(description.Length, 4_000, 4_096);
        Assert.EndsWith($"the full text is in the advisory: {meta.Url("")}]", description);
        new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(description); // throws on half a surrogate pair
        Assert.Contains(draft.Details, (string)OsvRenderer.Render(draft, meta)["details"]!);
        Assert.Equal(draft.Details, (string?)CsafRenderer.Render(draft, meta)["vulnerabilities"]![0]!["notes"]![0]!["text"]);
    }

    [Fact]
    public void An_over_long_remediation_is_shortened_in_the_CVE_record_and_stays_whole_in_CSAF()
    {
        var draft = Get("remediation of 20,000 characters");
        var solution = (string)CveRenderer.Render(draft, GoldenDrafts.Public())!["containers"]!["cna"]!["solutions"]![0]!["value"]!;
        Assert.InRange(solution.Length, 4_000, 4_096);
        Assert.StartsWith("rrrr", solution);
        Assert.Equal(draft.Remediation, (string?)CsafRenderer.Render(draft, GoldenDrafts.Public())["vulnerabilities"]![0]!["remediations"]![0]!["details"]);
    }

    [Fact]
    public void Without_summary_and_details_the_title_describes_the_vulnerability()
    {
        var draft = Get("empty summary and details");
        Assert.Equal(draft.Title, (string?)CveRenderer.Render(draft, GoldenDrafts.Public())!["containers"]!["cna"]!["descriptions"]![0]!["value"]);
        Assert.Equal(draft.Title, (string?)CsafRenderer.Render(draft, GoldenDrafts.Public())["document"]!["notes"]![0]!["text"]);
        Assert.Equal(draft.Title, (string?)CsafRenderer.Render(draft, GoldenDrafts.Public())["vulnerabilities"]![0]!["notes"]![0]!["text"]);
    }

    [Fact]
    public void Without_details_the_summary_describes_the_CSAF_vulnerability()
    {
        var note = CsafRenderer.Render(Base with { Details = " " }, GoldenDrafts.Public())["vulnerabilities"]![0]!["notes"]![0]!;
        Assert.Equal(("description", Base.Summary), ((string?)note["category"], (string?)note["text"]));
    }

    [Fact]
    public void A_draft_without_an_affected_package_is_refused_and_one_with_a_package_is_not()
    {
        Assert.Equal(Publishability.NoAffectedPackage, Publishability.Refusal(Base with { Affected = [] }));
        Assert.Null(Publishability.Refusal(Base));
    }

    private static IEnumerable<(string Id, string? Purl, string Name)> Products(JsonNode csaf)
    {
        var found = new List<(string, string?, string)>();
        void Walk(JsonArray? branches)
        {
            foreach (var b in branches ?? [])
            {
                if (b!["product"] is { } p) found.Add(((string)p["product_id"]!, (string?)p["product_identification_helper"]?["purl"], (string)p["name"]!));
                Walk(b["branches"] as JsonArray);
            }
        }
        Walk(csaf["product_tree"]!["branches"] as JsonArray);
        return found;
    }
}
