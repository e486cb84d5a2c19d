using DownstreamNotifier.Packages;

namespace DownstreamNotifier.Tests;

public sealed class PackageUrlTests
{
    [Theory]
    [InlineData("pkg:pypi/Django_REST.framework@3.15", "pypi//django-rest-framework")]
    [InlineData("pkg:PyPI/urllib3", "pypi//urllib3")]
    [InlineData("pkg:deb/debian/Python3.12@3.12.7-1?arch=amd64", "deb/debian/python3.12")]
    [InlineData("pkg:generic/cpython", "generic//cpython")]
    [InlineData("pkg:npm/%40angular/core@17.0.0", "npm/@angular/core")]
    [InlineData("pkg:maven/org.apache.logging.log4j/log4j-core@2.17.1#sub/path", "maven/org.apache.logging.log4j/log4j-core")]
    public void Parses_type_namespace_and_name_and_ignores_version_qualifiers_and_subpath(string purl, string key) =>
        Assert.Equal(key, PackageUrl.Parse(purl).Key);

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("pypi/urllib3", "must start with \"pkg:\"")]
    [InlineData("pkg:urllib3", "must have a type and a name")]
    [InlineData("pkg:1py/urllib3", "type \"1py\" is not valid")]
    [InlineData("pkg:pypi/", "must have a name")]
    [InlineData("pkg:pypi/%zz", "percent-encoding")]
    [InlineData("pkg:pypi/%", "percent-encoding")]
    [InlineData("pkg:pypi/a%4", "percent-encoding")]
    [InlineData("pkg:pypi/%c3", "percent-encoding")] // the first byte of a two-byte UTF-8 sequence
    [InlineData("pkg:pypi/%ed%a0%80", "percent-encoding")] // a surrogate, which UTF-8 does not encode
    [InlineData("pkg:pypi/%u0041", "percent-encoding")]
    [InlineData("pkg:npm/%zz/core", "percent-encoding")]
    public void Refuses_what_is_not_a_package_url_saying_why(string text, string why)
    {
        Assert.False(PackageUrl.TryParse(text, out _, out var error));
        Assert.Contains(why, error);
    }

    [Theory]
    [InlineData("Friendly-Bard", "friendly-bard")]
    [InlineData("FRIENDLY_BARD", "friendly-bard")]
    [InlineData("friendly.bard", "friendly-bard")]
    [InlineData("FrIeNdLy-._.-bArD", "friendly-bard")]
    public void Normalises_PyPI_names_as_PEP_503_says(string name, string normalised) =>
        Assert.Equal(normalised, Coordination.Advisories.Pep503.Normalize(name));

    [Fact]
    public void An_OSV_ecosystem_and_name_match_the_same_package_as_its_purl()
    {
        Assert.Equal(PackageUrl.Parse("pkg:pypi/zope-interface").Key, PackageUrl.FromEcosystem("PyPI", "Zope.Interface")!.Key);
        Assert.Equal(PackageUrl.Parse("pkg:cargo/regex").Key, PackageUrl.FromEcosystem("crates.io", "regex")!.Key);
        Assert.Equal(PackageUrl.Parse("pkg:deb/debian/openssl").Key, PackageUrl.FromEcosystem("Debian:12", "openssl")!.Key);
        Assert.Null(PackageUrl.FromEcosystem("NoSuchEcosystem", "x"));
        Assert.Null(PackageUrl.FromEcosystem("Go", "golang.org/x/"));
        Assert.Null(PackageUrl.FromEcosystem("Maven", "org.example:"));
        Assert.Null(PackageUrl.FromEcosystem("npm", "/left-pad"));
    }

    [Theory]
    [InlineData("Alpine:v3.18", "openssl", "pkg:apk/alpine/openssl")]
    [InlineData("Ubuntu:22.04:LTS", "openssl", "pkg:deb/ubuntu/openssl")]
    [InlineData("Debian", "openssl", "pkg:deb/debian/openssl")]
    public void A_distribution_ecosystem_gives_the_distribution_as_namespace_as_its_purl_does(string ecosystem, string name, string purl) =>
        Assert.Equal(PackageUrl.Parse(purl).Key, PackageUrl.FromEcosystem(ecosystem, name)?.Key);

    [Theory]
    [InlineData("pkg:generic/%40x")]
    [InlineData("pkg:generic/%3F")]
    [InlineData("pkg:generic/%23x")]
    [InlineData("pkg:pypi/%2F")]
    [InlineData("pkg:generic/foo%40bar")]
    [InlineData("pkg:pypi/foo%20bar")]
    [InlineData("pkg:generic/100%25")]
    [InlineData("pkg:generic/a%3Ab")]
    [InlineData("pkg:generic/caf%C3%A9")]
    [InlineData("pkg:npm/%40angular/core@17.0.0")]
    [InlineData("pkg:generic/a%2Fb/c")]
    public void Its_string_parses_back_to_the_same_package(string text)
    {
        var purl = PackageUrl.Parse(text);
        var written = purl.ToString();
        Assert.Equal(purl.Key, PackageUrl.Parse(written).Key);
        Assert.DoesNotContain(' ', written);
    }

    [Fact]
    public void Writes_each_segment_percent_encoded_as_the_spec_does() =>
        Assert.Equal("pkg:npm/%40angular/core", PackageUrl.Parse("pkg:npm/%40angular/core@17.0.0").ToString());

    [Fact]
    public void NuGet_names_match_whatever_their_case()
    {
        Assert.Equal(PackageUrl.Parse("pkg:nuget/newtonsoft.json").Key, PackageUrl.Parse("pkg:nuget/Newtonsoft.Json@13.0.3").Key);
        Assert.Equal(PackageUrl.Parse("pkg:nuget/Newtonsoft.Json").Key, PackageUrl.FromEcosystem("NuGet", "NEWTONSOFT.JSON")!.Key);
    }

    [Theory]
    [InlineData("pkg:alpm/Arch/Python-Urllib3@2.2.1-1?arch=any", "pkg:alpm/arch/python-urllib3")]
    [InlineData("pkg:oci/Python@sha256%3A244fd47e07d10", "pkg:oci/python")]
    [InlineData("pkg:bitnami/Python@3.12.1", "pkg:bitnami/python")]
    public void Alpm_oci_and_bitnami_names_match_whatever_their_case(string written, string canonical) =>
        Assert.Equal(PackageUrl.Parse(canonical).Key, PackageUrl.Parse(written).Key);

    [Theory]
    [InlineData(" PyPI ", " Requests ", "pkg:pypi/requests")]
    [InlineData("crates.io ", "regex\t", "pkg:cargo/regex")]
    [InlineData(" Debian:12", "openssl ", "pkg:deb/debian/openssl")]
    [InlineData("Maven", " org.apache.logging.log4j : log4j-core ", "pkg:maven/org.apache.logging.log4j/log4j-core")]
    public void An_OSV_ecosystem_and_name_are_read_without_surrounding_whitespace(string ecosystem, string name, string purl) =>
        Assert.Equal(PackageUrl.Parse(purl).Key, PackageUrl.FromEcosystem(ecosystem, name)?.Key);

    [Theory]
    [InlineData("pkg:cargo/Foo_Bar")]
    [InlineData("pkg:cargo/foo-bar@1.0.0")]
    [InlineData("pkg:cargo/FOO-BAR")]
    public void Crate_names_match_as_crates_io_folds_them_case_and_dash_or_underscore(string purl)
    {
        Assert.Equal("cargo//foo_bar", PackageUrl.Parse(purl).Key);
        Assert.Equal("cargo//foo_bar", PackageUrl.FromEcosystem("crates.io", "Foo-bar")!.Key);
        Assert.NotEqual(PackageUrl.Parse(purl).Key, PackageUrl.Parse("pkg:cargo/foobar").Key);
        // Only ASCII is folded (crate names are ASCII; migration 0008 folds the same characters in SQL).
        Assert.Equal("cargo//\u00c4_b", PackageUrl.Parse("pkg:cargo/%C3%84-B").Key);
    }

    [Theory]
    [InlineData("pkg:golang/github.com/Sirupsen/logrus", "pkg:golang/github.com/sirupsen/logrus")]
    [InlineData("pkg:npm/JSONStream", "pkg:npm/jsonstream")]
    public void Go_module_paths_and_npm_names_match_whatever_their_case_erring_toward_telling(string one, string other)
    {
        Assert.Equal(PackageUrl.Parse(one).Key, PackageUrl.Parse(other).Key);
        Assert.Equal(PackageUrl.Parse(other).Key, PackageUrl.FromEcosystem(one.StartsWith("pkg:npm") ? "npm" : "Go", one[(one.IndexOf('/') + 1)..])!.Key);
    }

    [Fact]
    public void Pub_names_match_whatever_their_case_as_pub_allows_only_lowercase() =>
        Assert.Equal(PackageUrl.Parse("pkg:pub/Flutter_Test").Key, PackageUrl.FromEcosystem("Pub", "flutter_test")!.Key);
}
