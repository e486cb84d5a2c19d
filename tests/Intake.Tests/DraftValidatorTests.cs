using Coordination.Advisories;
using Coordination.Contracts.Advisories;
using Intake.Validation;

namespace Intake.Tests;

/// <summary>Every draft rule, each shown to refuse with the field it names (no I/O: fast).</summary>
public sealed class DraftValidatorTests
{
    private static readonly string Sha1 = new('a', 40), Sha2 = new('b', 40);

    private static readonly AdvisoryDraft Valid = new(
        "Heap overflow", "Summary", "Details",
        [
            new AffectedPackage("PyPI", "Example_Lib", "pkg:pypi/example-lib",
                [
                    new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "2.4.1")]),
                    new VersionRange("SEMVER", [new RangeEvent(Introduced: "1.0.0"), new RangeEvent(LastAffected: "1.9.0-rc.1")]),
                    new VersionRange("GIT", [new RangeEvent(Introduced: Sha1), new RangeEvent(Fixed: Sha2)], "https://github.com/example/lib"),
                ]),
        ],
        new Severity("Critical", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        ["CWE-122"],
        [new AdvisoryReference("FIX", "https://github.com/example/lib/commit/" + Sha2)],
        "CVE-2026-12345",
        [new Credit("Rita", ["finder", "Reporter"], "rita@example.org"), new Credit("Tool Bot", ["TOOL"], "https://tool.example")]);

    private static AdvisoryDraft WithPackage(Func<AffectedPackage, AffectedPackage> change) => Valid with { Affected = [change(Valid.Affected[0])] };

    private static AdvisoryDraft WithRange(int index, VersionRange range) => WithPackage(p =>
    {
        var ranges = p.Ranges.ToList();
        ranges[index] = range;
        return p with { Ranges = ranges };
    });

    private static IReadOnlyList<string> Fields(AdvisoryDraft draft) => DraftValidator.Validate(draft, out _).ToDictionary().Keys.Order().ToList();

    [Fact]
    public void A_complete_draft_is_valid_and_normalised()
    {
        var errors = DraftValidator.Validate(Valid, out var normalized);
        Assert.True(errors.IsEmpty, string.Join("; ", errors.ToDictionary().Select(e => e.Key + ": " + string.Join(",", e.Value))));
        Assert.Equal("example-lib", normalized.Affected[0].Name);
        Assert.Equal(["FINDER", "REPORTER"], normalized.Credits[0].Types);
    }

    public static TheoryData<string, AdvisoryDraft> Invalid() => new()
    {
        { "title", Valid with { Title = " " } },
        { "title", Valid with { Title = new string('t', 201) } },
        { "details", Valid with { Details = new string('d', DraftValidator.MaxDetails + 1) } },
        { "affected[0].ecosystem", WithPackage(p => p with { Ecosystem = "Pypi" }) },
        { "affected[0].ecosystem", WithPackage(p => p with { Ecosystem = "Debian:" }) },
        { "affected[0].ecosystem", WithPackage(p => p with { Ecosystem = "PyPI:\n12" }) }, // OSV's schema: no line break in the suffix
        { "affected[0].ecosystem", WithPackage(p => p with { Ecosystem = "PyPI:\u202812" }) },
        { "affected[0].name", WithPackage(p => p with { Name = "bad name!" }) },
        { "affected[0].purl", WithPackage(p => p with { Purl = "pkg:npm/example-lib" }) },
        { "affected[0].purl", WithPackage(p => p with { Purl = "pkg:pypi/other-lib" }) },
        { "affected[0].purl", WithPackage(p => p with { Purl = "pkg:pypi/example-lib@2.4.0" }) },
        { "affected[0].purl", WithPackage(p => p with { Purl = "example-lib" }) },
        { "affected[0].ranges", WithPackage(p => p with { Ranges = [], Versions = null }) },
        { "affected[0].ranges[0].type", WithRange(0, new VersionRange("RANGE", [new RangeEvent(Introduced: "0")])) },
        { "affected[0].ranges[2].repo", WithRange(2, new VersionRange("GIT", [new RangeEvent(Introduced: Sha1)])) },
        { "affected[0].ranges[0].repo", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0")], "https://github.com/x/y")) },
        { "affected[0].ranges[2].events[1].fixed", WithRange(2, new VersionRange("GIT", [new RangeEvent(Introduced: Sha1), new RangeEvent(Fixed: "abc123")], "https://github.com/x/y")) },
        { "affected[0].ranges[0].events[0]", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Fixed: "1.0")])) },
        { "affected[0].ranges[0].events", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "2"), new RangeEvent(Introduced: "3"), new RangeEvent(LastAffected: "4")])) },
        { "affected[0].ranges[0].events[1]", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Introduced: "1.0")])) },
        { "affected[0].ranges[0].events[2]", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "1.0"), new RangeEvent(Fixed: "2.0")])) },
        { "affected[0].ranges[1].events[2]", WithRange(1, new VersionRange("SEMVER", [new RangeEvent(Introduced: "1.0.0"), new RangeEvent(Limit: "1.1.0"), new RangeEvent(LastAffected: "1.2.0")])) },
        { "affected[0].ranges[0].events", WithRange(0, new VersionRange("ECOSYSTEM", [])) },
        { "affected[0].ranges[0].events[1]", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "2", Limit: "3")])) },
        { "affected[0].ranges[1].events[1].fixed", WithRange(1, new VersionRange("SEMVER", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "v1.2")])) },
        // "0" stands for the first version: a range fixed there affects nothing, and records would offer "0" as the fix.
        { "affected[0].ranges[0].events[1].fixed", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "0")])) },
        { "affected[0].ranges[0].events[3].limit", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "1.0"), new RangeEvent(Introduced: "2.0"), new RangeEvent(Limit: "0")])) },
        { "affected[0].versions[0]", WithPackage(p => p with { Versions = [""] }) },
        // A version both affected and the fix: the CVE record would call it affected, CSAF fixed.
        { "affected[0].versions[1]", WithPackage(p => p with { Versions = ["2.4.0", "2.4.1"] }) },
        { "severity.rating", Valid with { Severity = new Severity("Severe", Valid.Severity!.CvssVector) } },
        { "severity.rating", Valid with { Severity = new Severity("Low", Valid.Severity!.CvssVector) } },
        { "severity.rating", Valid with { Severity = new Severity("Low", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:3.1/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") } },
        { "severity.cvssVector", Valid with { Severity = new Severity("High", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N") } },
        { "cwes[0]", Valid with { Cwes = ["79"] } },
        { "cwes[1]", Valid with { Cwes = ["CWE-79", "CWE-79"] } },
        { "cveId", Valid with { CveId = "CVE-26-1234" } },
        { "cveId", Valid with { CveId = "CVE-2026-123" } },
        // What the CVE 5 record allows (the records would not validate): at most 19 digits, a CWE id of at most 9 characters,
        // a vendor (the ecosystem) and version type within their lengths, URLs (format "uri") without spaces or controls.
        { "cveId", Valid with { CveId = "CVE-2026-" + new string('1', 20) } },
        { "cwes[0]", Valid with { Cwes = ["CWE-123456"] } },
        { "affected[0].ecosystem", WithPackage(p => p with { Ecosystem = "PyPI:" + new string('x', 100) }) },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/a b")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/\u0001")] } },
        { "credits[0].contact", Valid with { Credits = [new Credit("Rita", ["FINDER"], "https://example.org/\u007f")] } },
        // Nor characters outside ASCII (an IRI, not a URI): a host in Unicode or a path a browser shows unescaped.
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://de.wikipedia.org/wiki/Pufferüberlauf")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://bücher.example/advisory")] } },
        { "credits[0].contact", Valid with { Credits = [new Credit("Rita", ["FINDER"], "https://rita.example/über")] } },
        { "affected[0].ranges[2].repo", WithRange(2, new VersionRange("GIT", [new RangeEvent(Introduced: Sha1)], "https://gït.example/lib")) },
        // Nor what RFC 3986 leaves out even in ASCII: a '%' not starting an escape, '<', '{', '|', a backslash.
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/%zz")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/100%")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/a%4")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "https://example.org/<script>")] } },
        { "credits[0].contact", Valid with { Credits = [new Credit("Rita", ["FINDER"], "https://rita.example/{x}|y")] } },
        { "affected[0].ranges[2].repo", WithRange(2, new VersionRange("GIT", [new RangeEvent(Introduced: Sha1)], "https://git.example/a\\b")) },
        { "references[0].type", Valid with { References = [new AdvisoryReference("BLOG", "https://example.org")] } },
        { "references[0].url", Valid with { References = [new AdvisoryReference("WEB", "ftp://example.org/x")] } },
        { "credits[0].name", Valid with { Credits = [new Credit("", ["FINDER"])] } },
        { "credits[0].types", Valid with { Credits = [new Credit("Rita", [])] } },
        { "credits[0].types[1]", Valid with { Credits = [new Credit("Rita", ["FINDER", "HERO"])] } },
        { "credits[0].types[1]", Valid with { Credits = [new Credit("Rita", ["FINDER", "finder"])] } },
        { "credits[0].contact", Valid with { Credits = [new Credit("Rita", ["FINDER"], "not a contact")] } },
        // A null event (JSON "events": [null]) was read while collecting fixed versions: a NullReferenceException, a 500.
        { "affected[0].ranges[0].events[1]", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), null!])) },
        // "$" also matches before a final newline: "CWE-79\n" passed and was stored.
        { "cwes[0]", Valid with { Cwes = ["CWE-79\n"] } },
        { "affected[0].ranges[1].events[1].lastAffected", WithRange(1, new VersionRange("SEMVER", [new RangeEvent(Introduced: "1.0.0"), new RangeEvent(LastAffected: "1.9.0\n")])) },
        { "affected[0].ranges[2].events[1].fixed", WithRange(2, new VersionRange("GIT", [new RangeEvent(Introduced: Sha1), new RangeEvent(Fixed: Sha2 + "\n")], "https://github.com/x/y")) },
        // Whitespace in a version: "1.2.0 " is another version than "1.2.0" in every record (and passed the fixed-version check).
        { "affected[0].ranges[0].events[1].fixed", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "2.4.1 ")])) },
        { "affected[0].ranges[0].events[1].fixed", WithRange(0, new VersionRange("ECOSYSTEM", [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "0 ")])) },
        { "affected[0].versions[0]", WithPackage(p => p with { Versions = ["2.4 .0"] }) },
        // Nor across two entries for the same package: affected in one, the fix of the other.
        { "affected[1].versions[0]", Valid with { Affected = [Valid.Affected[0], Valid.Affected[0] with { Ranges = [], Versions = ["2.4.1"] }] } },
        // U+0000 anywhere, named by where it is.
        { "details", Valid with { Details = "nul \0 inside" } },
        { "affected[0].versions[0]", WithPackage(p => p with { Versions = ["1.\02"] }) },
    };

    [Fact]
    public void Text_that_describes_a_nul_escape_is_not_a_nul() =>
        Assert.Empty(Fields(Valid with { Details = "The parser accepts \"\\u0000\" and \\0 in a JSON string." }));

    [Theory]
    [MemberData(nameof(Invalid))]
    public void An_invalid_field_is_refused_naming_the_field(string field, AdvisoryDraft draft) =>
        Assert.Equal([field], Fields(draft));

    [Theory]
    [InlineData("https://de.wikipedia.org/wiki/Puffer%C3%BCberlauf")]
    [InlineData("https://xn--bcher-kva.example/a?q=1&r=%2F#frag")]
    [InlineData("https://[2001:db8::1]:8443/~user/(x);p=1,2*3+4'!$@")]
    public void Urls_in_rfc_3986_form_are_accepted(string url) =>
        Assert.Empty(Fields(Valid with { References = [new AdvisoryReference("WEB", url)] }));

    [Fact]
    public void Range_events_out_of_order_are_refused_naming_each_event_out_of_turn() =>
        Assert.Equal(["affected[0].ranges[0].events[1]", "affected[0].ranges[0].events[2]"], Fields(WithRange(0, new VersionRange("ECOSYSTEM",
            [new RangeEvent(Introduced: "1.0"), new RangeEvent(Introduced: "2.0"), new RangeEvent(Fixed: "1.5"), new RangeEvent(Fixed: "2.5")]))));

    [Fact]
    public void Alternating_range_events_are_accepted_and_GIT_events_in_any_order()
    {
        Assert.Empty(Fields(WithRange(0, new VersionRange("ECOSYSTEM",
            [new RangeEvent(Introduced: "0"), new RangeEvent(Fixed: "1.5"), new RangeEvent(Introduced: "2.0"), new RangeEvent(Limit: "2.5"), new RangeEvent(Introduced: "3.0")]))));
        Assert.Empty(Fields(WithRange(2, new VersionRange("GIT",
            [new RangeEvent(Introduced: Sha1), new RangeEvent(Introduced: new string('c', 40)), new RangeEvent(Fixed: Sha2)], "https://github.com/example/lib"))));
    }

    [Theory]
    [InlineData("critical", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "Critical")]
    [InlineData("None", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", "None")]
    [InlineData("High", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", "High")]
    public void The_rating_the_vector_computes_is_accepted(string typed, string vector, string rating)
    {
        Assert.Empty(DraftValidator.Validate(Valid with { Severity = new Severity(typed, vector) }, out var normalized).ToDictionary());
        Assert.Equal(rating, normalized.Severity!.Rating);
    }

    [Fact]
    public void A_rating_the_vector_does_not_compute_is_refused_saying_which_it_computes() =>
        Assert.Equal(["must be Critical: the CVSS vector's score is 9.8"],
            DraftValidator.Validate(Valid with { Severity = new Severity("Low", Valid.Severity!.CvssVector) }, out _).ToDictionary()["severity.rating"]);

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]
    [InlineData("CVSS:3.1/S:C/C:L/I:N/A:N/AV:N/AC:L/PR:N/UI:R/E:P/RL:O/RC:C/CR:H/MAV:A")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")]
    [InlineData("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:L/SI:L/SA:L/E:P/CR:H/MSI:S/S:P/AU:Y/U:Amber")]
    public void Complete_cvss_vectors_are_accepted(string vector) => Assert.Null(CvssVector.Check(vector));

    [Theory]
    [InlineData("npm", "@scope/pkg", "pkg:npm/%40scope/pkg")]
    [InlineData("Maven", "org.example:lib", "pkg:maven/org.example/lib")]
    [InlineData("Go", "github.com/example/mod", "pkg:golang/github.com/example/mod")]
    [InlineData("crates.io", "serde", "pkg:cargo/serde")]
    [InlineData("Debian:12", "openssl", "pkg:deb/debian/openssl?distro=bookworm")]
    [InlineData("GIT", "example", "pkg:github/example/example")]
    public void Purls_that_agree_with_ecosystem_and_name_are_accepted(string ecosystem, string name, string purl) =>
        Assert.Empty(Fields(WithPackage(p => p with { Ecosystem = ecosystem, Name = name, Purl = purl })));

    [Theory]
    [InlineData("pkg://pypi/example-lib", "pkg:pypi/example-lib")]
    [InlineData("pkg:deb/debian/openssl?distro=bookworm&arch=source", "pkg:deb/debian/openssl?arch=source&distro=bookworm")]
    public void An_accepted_purl_is_kept_in_its_canonical_form(string written, string canonical)
    {
        var draft = written.StartsWith("pkg:deb", StringComparison.Ordinal)
            ? WithPackage(p => p with { Ecosystem = "Debian:12", Name = "openssl", Purl = written })
            : WithPackage(p => p with { Purl = written });
        Assert.Empty(DraftValidator.Validate(draft, out var normalized).ToDictionary());
        Assert.Equal(canonical, normalized!.Affected[0].Purl);
    }

    [Theory]
    [InlineData("Flask_SQLAlchemy", "flask-sqlalchemy")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("A__B--C..d", "a-b-c-d")]
    public void Pypi_names_are_normalised_per_pep_503(string name, string normalized) => Assert.Equal(normalized, Pep503.Normalize(name));

    [Fact]
    public void A_purl_is_parsed_into_its_components()
    {
        Assert.True(Purl.TryParse("pkg:maven/org.apache.commons/io@1.3.4?repository_url=https%3A%2F%2Frepo.example#sub/path", out var purl, out _));
        Assert.Equal(("maven", "org.apache.commons", "io", "1.3.4"), (purl!.Type, purl.Namespace, purl.Name, purl.Version));
        Assert.Equal("https://repo.example", purl.Qualifiers["repository_url"]);
        Assert.Equal("sub/path", purl.Subpath);
        Assert.False(Purl.TryParse("pkg:pypi", out _, out var error));
        Assert.Contains("name", error);
    }
}
