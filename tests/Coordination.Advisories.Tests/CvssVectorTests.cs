namespace Coordination.Advisories.Tests;

/// <summary>The rule texts intake shows for a bad vector, and the dispatch by version.</summary>
public sealed class CvssVectorTests
{
    [Theory]
    [InlineData(null, "is required")]
    [InlineData("", "is required")]
    [InlineData("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "must start with CVSS:3.1/ or CVSS:4.0/")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "misses mandatory CVSS 3.1 metric(s): A")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L", "metric 'A' appears twice")]
    [InlineData("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "'Q' is not a valid value of AV (allowed: N, A, L, P)")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/MC:Q", "'Q' is not a valid value of MC (allowed: X, N, L, H)")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N", "'AT' is not a CVSS 3.1 metric")]
    [InlineData("CVSS:3.1/AV:N//AC:L", "'' is not METRIC:VALUE")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H", "misses mandatory CVSS 4.0 metric(s): SC, SI, SA")]
    [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "metric 'AV' is out of the order CVSS 4.0 requires")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/U:Purple", "'Purple' is not a valid value of U (allowed: X, Clear, Green, Amber, Red)")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S", "'S' is not METRIC:VALUE")]
    public void A_bad_vector_is_refused_with_the_rule_it_breaks(string? vector, string rule) => Assert.Equal(rule, CvssVector.Check(vector));

    [Theory]
    [InlineData("CVSS:3.1/S:C/C:L/I:N/A:N/AV:N/AC:L/PR:N/UI:R/E:P/RL:O/RC:C/CR:H/MAV:A")]
    [InlineData("CVSS:4.0/AV:L/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:N/SC:L/SI:L/SA:L/E:P/CR:H/MSI:S/S:P/AU:Y/U:Amber")]
    public void A_complete_vector_is_accepted(string vector) => Assert.Null(CvssVector.Check(vector));

    [Theory]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS_V3", 9.8)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "CVSS_V4", 10.0)]
    public void A_vector_gives_its_osv_type_and_score(string vector, string osvType, double score)
    {
        Assert.Equal(osvType, CvssVector.OsvType(vector));
        Assert.Equal((decimal)score, CvssVector.Score(vector));
    }

    [Fact]
    public void An_invalid_vector_has_no_score() => Assert.Null(CvssVector.Score("CVSS:4.0/AV:N"));

    [Theory]
    [InlineData(0.0, "NONE")]
    [InlineData(0.1, "LOW")]
    [InlineData(3.9, "LOW")]
    [InlineData(4.0, "MEDIUM")]
    [InlineData(6.9, "MEDIUM")]
    [InlineData(7.0, "HIGH")]
    [InlineData(8.9, "HIGH")]
    [InlineData(9.0, "CRITICAL")]
    [InlineData(10.0, "CRITICAL")]
    public void The_severity_rating_follows_the_qualitative_scale(double score, string rating) =>
        Assert.Equal(rating, CvssSeverity.Of((decimal)score));

    [Theory]
    [InlineData(0.0, "None")]
    [InlineData(3.9, "Low")]
    [InlineData(9.8, "Critical")]
    public void The_rating_in_text_is_spelled_as_the_specification_does(double score, string rating) =>
        Assert.Equal(rating, CvssSeverity.Rating((decimal)score));
}
