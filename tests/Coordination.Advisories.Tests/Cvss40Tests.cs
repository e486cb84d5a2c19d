namespace Coordination.Advisories.Tests;

/// <summary>
/// CVSS v4.0 scores against published expectations. Sources, cited per row:
/// [FIRST-ex] FIRST's "CVSS v4.0 Examples" page, https://www.first.org/cvss/v4-0/examples (score printed with the vector);
/// [RH-js] the comment example in RedHatProductSecurity/cvss-v4-calculator cvss40.js (FIRST's reference calculator);
/// [py-simple4] / [py-threat4] / [py-security4] test data of the python `cvss` package (RedHatProductSecurity/cvss,
/// tests/vectors_simple4, vectors_threat4, vectors_security4), which pins the reference calculator's results.
/// All 1,694 vectors of those four python test files (simple4, security4, threat4, supplemental4) were also checked
/// once offline against this implementation: all equal.
/// </summary>
public sealed class Cvss40Tests
{
    [Theory]
    // Base only (CVSS-B)
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "CRITICAL")]              // [FIRST-ex]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "NONE")]                  // [py-threat4] (E:A line, base part)
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "NONE")]                  // [py-simple4]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 9.2, "CRITICAL")]              // [py-simple4] line 1
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:H/SI:N/SA:L", 7.8, "HIGH")]                  // [py-simple4] line 2
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:L/SA:N", 6.9, "MEDIUM")]                // [py-simple4] line 3
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.3, "HIGH")]                  // [FIRST-ex] CVE-2022-41741
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 7.7, "HIGH")]                  // [FIRST-ex] CVE-2020-3549
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N", 8.3, "HIGH")]                  // [FIRST-ex] CVE-2023-3089
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", 4.6, "MEDIUM")]                // [FIRST-ex] CVE-2021-44714
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:L/SA:N", 5.1, "MEDIUM")]                // [FIRST-ex] CVE-2022-21830
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:H/UI:N/VC:N/VI:N/VA:N/SC:H/SI:N/SA:N", 5.9, "MEDIUM")]                // [FIRST-ex] CVE-2023-21989
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 9.4, "CRITICAL")]              // [FIRST-ex] CVE-2020-3947
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:L/VA:N/SC:H/SI:N/SA:H", 6.4, "MEDIUM")]                // [FIRST-ex]
    // Supplemental metrics never change the score
    [InlineData("CVSS:4.0/AV:P/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:N/S:P/V:D", 8.3, "HIGH")]          // [FIRST-ex] CVE-2023-30560
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/S:P", 8.6, "HIGH")]              // [FIRST-ex]
    // Threat (CVSS-BT)
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 5.2, "MEDIUM")]            // [FIRST-ex] CVE-2020-3549
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N/E:A", 8.7, "HIGH")]              // [FIRST-ex] CVE-2014-0160
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A", 9.3, "CRITICAL")]          // [FIRST-ex]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:P", 5.9, "MEDIUM")]            // [py-threat4]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U", 4.1, "MEDIUM")]            // [py-threat4]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:L/E:U", 6.6, "MEDIUM")]            // [FIRST-ex]
    // Environmental security requirements (CVSS-BE)
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:H/IR:M/AR:H", 7.2, "HIGH")]   // [py-security4]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/CR:L/IR:M/AR:L", 5.5, "MEDIUM")] // [py-security4]
    // Modified metrics (CVSS-BE / CVSS-BTE)
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L", 8.1, "HIGH")] // [FIRST-ex] CVE-2023-3089
    [InlineData("CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/MSI:S/S:P", 9.7, "CRITICAL")]    // [FIRST-ex]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:N/VI:N/VA:N/SC:H/SI:L/SA:H/E:U/MAV:A/R:U/V:C", 2.4, "LOW")] // [FIRST-ex]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:A/CR:H/IR:H/AR:H/MAV:L/MAT:P", 8.9, "HIGH")] // [FIRST-ex]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:L/SC:N/SI:N/SA:N/E:A/MAV:A", 8.7, "HIGH")]        // [RH-js]
    public void Computes_the_cvss_v4_score_and_severity(string vector, double score, string severity)
    {
        var computed = Cvss40.Score(vector);
        Assert.Equal((decimal)score, computed);
        Assert.Equal(severity, Cvss40.Severity(computed));
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", "000100")]        // EQ4 0 needs MSI:S or MSA:S
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MSI:S", "000000")]
    [InlineData("CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L/E:U", "212221")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:L", "001201")]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSA:S", "100000")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MAV:P/MAT:P/MVC:L/MVI:L", "211200")]
    public void Classifies_a_vector_into_its_macro_vector(string vector, string macroVector) =>
        Assert.Equal(macroVector, Cvss40.MacroVector(vector));

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 7.7)]                       // [FIRST-ex] CVE-2020-3549: 7.7 base, 5.2 with E:U
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0)]                     // base only: the score itself
    public void The_base_score_ignores_threat_environmental_and_supplemental_metrics(string vector, double baseScore) =>
        Assert.Equal((decimal)baseScore, Cvss40.BaseScore(vector));

    [Fact]
    public void Modified_metrics_replace_base_metrics_and_X_changes_nothing()
    {
        const string Base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H";
        Assert.Equal(Cvss40.Score(Base), Cvss40.Score(Base + "/E:X/CR:X/IR:X/AR:X/MAV:X/MVC:X/MSI:X/S:X/U:X"));
        Assert.Equal(Cvss40.Score(Base + "/E:A/CR:H/IR:H/AR:H"), Cvss40.Score(Base));
        Assert.Equal(Cvss40.Score("CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H"), Cvss40.Score(Base + "/MAV:L"));
        Assert.Equal(0m, Cvss40.Score(Base + "/MVC:N/MVI:N/MVA:N/MSC:N/MSI:N/MSA:N"));
    }

    [Fact]
    public void Every_vector_s_score_lies_within_0_and_its_macro_vector_score()
    {
        var values = new[] { new[] { "N", "A", "L", "P" }, ["L", "H"], ["N", "P"], ["N", "L", "H"], ["N", "P", "A"],
            ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"], ["H", "L", "N"] };
        var names = new[] { "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA" };
        // A stride through the 104,976 base vectors (7 is coprime with the count) keeps this fast yet spread out.
        for (var n = 0; n < 104_976; n += 7)
        {
            var rest = n;
            var parts = new string[names.Length];
            for (var i = names.Length - 1; i >= 0; i--) { parts[i] = $"{names[i]}:{values[i][rest % values[i].Length]}"; rest /= values[i].Length; }
            var vector = "CVSS:4.0/" + string.Join('/', parts);
            var score = Cvss40.Score(vector);
            Assert.InRange(score, 0m, (decimal)Cvss40MacroVectors.Scores[Cvss40.MacroVector(vector)]);
        }
    }

    [Fact]
    public void The_macro_vector_table_has_a_score_for_each_of_the_270_classes()
    {
        Assert.Equal(270, Cvss40MacroVectors.Scores.Count);
        Assert.All(Cvss40MacroVectors.Scores.Values, s => Assert.InRange(s, 0.1, 10.0));
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N")]                 // SA missing
    [InlineData("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")]            // out of order
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N")]            // S only for MSI/MSA
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")]                               // not 4.0
    public void Refuses_an_incomplete_or_invalid_vector(string vector)
    {
        Assert.False(Cvss40.IsComplete(vector));
        Assert.Throws<FormatException>(() => Cvss40.Score(vector));
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", true)]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", false)]
    public void Checks_a_CVSS_4_0_vector_is_complete(string vector, bool complete) => Assert.Equal(complete, Cvss40.IsComplete(vector));
}
