using Intake.Governance;

namespace Intake.Tests.Governance;

public sealed class TeamCsvTests
{
    [Fact]
    public void Quotes_fields_with_commas_and_quotes_and_writes_utc_instants()
    {
        var csv = TeamCsv.Write([new TeamEntry("Doe, \"JD\" Jane", "jdoe", "admin", new DateTimeOffset(2024, 5, 1, 12, 0, 0, TimeSpan.FromHours(2)))]);
        Assert.Equal("name,public_handle,role,since\r\n\"Doe, \"\"JD\"\" Jane\",jdoe,admin,2024-05-01T10:00:00Z\r\n", csv);
    }

    [Fact]
    public void A_name_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe_before_it()
    {
        var since = new DateTimeOffset(2024, 5, 1, 10, 0, 0, TimeSpan.Zero);
        var csv = TeamCsv.Write([new TeamEntry("=HYPERLINK(\"https://x.example\")", "eq", "member", since), new TeamEntry("@SUM(1)", "at", "member", since)]);
        Assert.Contains("\r\n\"'=HYPERLINK(\"\"https://x.example\"\")\",eq,", csv);
        Assert.Contains("\r\n'@SUM(1),at,", csv);
    }
}
