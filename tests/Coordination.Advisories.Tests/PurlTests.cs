namespace Coordination.Advisories.Tests;

public sealed class PurlTests
{
    [Fact]
    public void A_purl_is_parsed_into_its_percent_decoded_components()
    {
        Assert.True(Purl.TryParse("pkg:maven/org.apache.commons/io@1.3.4?repository_url=https%3A%2F%2Frepo.example#sub/path", out var purl, out _));
        Assert.Equal(("maven", "org.apache.commons", "io", "1.3.4"), (purl!.Type, purl.Namespace, purl.Name, purl.Version));
        Assert.Equal("https://repo.example", purl.Qualifiers["repository_url"]);
        Assert.Equal("sub/path", purl.Subpath);
        Assert.True(Purl.TryParse("pkg:npm/%40scope/pkg", out var npm, out _));
        Assert.Equal(("@scope", "pkg", null), (npm!.Namespace, npm.Name, npm.Version));
        Assert.True(Purl.TryParse("pkg:generic/caf%C3%A9%20%F0%9F%90%8D", out var utf8, out _)); // whole characters, upper-case hex
        Assert.Equal("café 🐍", utf8!.Name);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("pkg:pypi/a b", "must not contain whitespace")]
    [InlineData("npm/left-pad", "must start with 'pkg:'")]
    [InlineData("pkg:pypi", "must have a type and a name (pkg:type/name)")]
    [InlineData("pkg:py$pi/flask", "type 'py$pi' is not valid")]
    [InlineData("pkg:pypi/flask@", "version after '@' is empty")]
    [InlineData("pkg:pypi/flask?arch", "qualifier 'arch' must be key=value")]
    [InlineData("pkg:pypi/flask?a=1&a=2", "qualifier 'a' appears twice")]
    [InlineData("pkg:pypi/%zz", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/a%", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/a%4", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/%c3", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/%ed%a0%80", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/%u0041", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/x?a=%c3%28", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    [InlineData("pkg:pypi/x#%ff", "has a '%' that is not followed by two hex digits, or encodes bytes that are not UTF-8")]
    public void A_bad_purl_is_refused_with_the_rule_it_breaks(string? text, string error)
    {
        Assert.False(Purl.TryParse(text, out var purl, out var actual));
        Assert.Null(purl);
        Assert.Equal(error, actual);
    }

    [Theory]
    [InlineData("pkg:deb/debian/curl?arch=source", "7.88.1-10+deb12u5", "pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=source")]
    [InlineData("pkg://pypi/foo", "1.2.0", "pkg:pypi/foo@1.2.0")]
    [InlineData("pkg:npm/%40scope/pkg", "1.0.0", "pkg:npm/%40scope/pkg@1.0.0")]
    [InlineData("pkg:deb/debian/openssl?distro=bookworm&arch=source", "1:3.0.11-1", "pkg:deb/debian/openssl@1:3.0.11-1?arch=source&distro=bookworm")]
    [InlineData("pkg:golang/example.org/mod?goos=#/sub/./dir/", "v1.0.0", "pkg:golang/example.org/mod@v1.0.0#sub/dir")]
    [InlineData("pkg:generic/a%20b", "1 0", "pkg:generic/a%20b@1%200")]
    public void A_version_goes_into_the_canonical_text_before_qualifiers_and_subpath(string text, string version, string expected)
    {
        Assert.True(Purl.TryParse(text, out var purl, out _));
        var versioned = (purl! with { Version = version }).ToString();

        Assert.Equal(expected, versioned);
        Assert.True(Purl.TryParse(versioned, out var again, out _));
        Assert.Equal((purl.Type, purl.Namespace, purl.Name, version), (again!.Type, again.Namespace, again.Name, again.Version));
    }

    [Fact]
    public void The_subpath_is_percent_decoded_like_the_other_components()
    {
        Assert.True(Purl.TryParse("pkg:github/example/repo#docs/a%20b", out var purl, out _));
        Assert.Equal("docs/a b", purl!.Subpath);
        Assert.Equal("pkg:github/example/repo#docs/a%20b", purl.ToString());
    }
}
