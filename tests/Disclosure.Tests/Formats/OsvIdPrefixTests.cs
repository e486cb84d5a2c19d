using Disclosure.Options;

namespace Disclosure.Tests.Formats;

public sealed class OsvIdPrefixTests
{
    [Theory]
    [InlineData("x_COORD", true)]
    [InlineData("x_my-team.sec", true)]
    [InlineData("PSF", true)]
    [InlineData("PYSEC", true)]
    [InlineData("GHSA", true)]
    [InlineData("COORD", false)]   // not registered: must be x_COORD
    [InlineData("x_", false)]
    [InlineData("psf", false)]     // prefixes are case-sensitive in the schema
    [InlineData("x_CO ORD", false)]
    public void Accepts_a_registered_prefix_or_x_followed_by_the_teams_own(string prefix, bool valid) =>
        Assert.Equal(valid, OsvIdPrefix.IsValid(prefix));
}
