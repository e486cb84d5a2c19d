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
}
