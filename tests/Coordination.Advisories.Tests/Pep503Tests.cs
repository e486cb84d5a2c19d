namespace Coordination.Advisories.Tests;

public sealed class Pep503Tests
{
    [Theory]
    [InlineData("Flask_SQLAlchemy", "flask-sqlalchemy")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("A__B--C..d", "a-b-c-d")]
    public void Names_are_normalised_per_pep_503(string name, string normalized)
    {
        Assert.Equal(normalized, Pep503.Normalize(name));
        Assert.True(Pep503.IsNormalized(normalized));
        Assert.Equal(name == normalized, Pep503.IsNormalized(name));
    }

    [Theory]
    [InlineData("requests", true)]
    [InlineData("a", true)]
    [InlineData("zope.interface", true)]
    [InlineData("-leading", false)]
    [InlineData("trailing.", false)]
    [InlineData("sp ace", false)]
    [InlineData("", false)]
    public void Distribution_names_are_checked_per_pep_508(string name, bool valid) => Assert.Equal(valid, Pep503.IsValidName(name));
}
