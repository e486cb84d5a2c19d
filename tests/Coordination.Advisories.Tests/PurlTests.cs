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
    public void A_bad_purl_is_refused_with_the_rule_it_breaks(string? text, string error)
    {
        Assert.False(Purl.TryParse(text, out var purl, out var actual));
        Assert.Null(purl);
        Assert.Equal(error, actual);
    }
}
