using Coordination.Hosting.Csv;

namespace DownstreamNotifier.Tests;

public sealed class CsvTests
{
    [Theory]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("+1", "'+1")]
    [InlineData("-05:00", "'-05:00")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("'=1+2", "''=1+2")]
    [InlineData("'quoted", "'quoted")]
    [InlineData("plain", "plain")]
    public async Task A_cell_a_spreadsheet_would_run_is_written_after_an_apostrophe_and_read_back_as_it_was(string value, string cell)
    {
        var line = Rfc4180.Line([value, "x"]);
        Assert.Equal(cell + ",x\r\n", line);
        var read = await ReadAsync(line);
        Assert.Equal([value, "x"], read.Single());
    }

    [Fact]
    public async Task A_quoted_multi_line_cell_starting_with_a_dash_reads_back_whole()
    {
        const string key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ,\"q\"\n-----END PGP PUBLIC KEY BLOCK-----";
        var line = Rfc4180.Line(["p", key]);
        Assert.StartsWith("p,\"'-----BEGIN", line);
        Assert.Equal(["p", key], (await ReadAsync(line)).Single());
    }

    [Theory]
    [InlineData("project,email\r\n\"csvq3\"junk\"more,a@x.test\r\n", 2)]
    [InlineData("project,email\r\n\"p\" ,a@x.test\r\n", 2)]
    [InlineData("project,email\r\np,a@x.test\r\ncs\"vq2,b@x.test\r\n", 3)]
    [InlineData("project,email\r\np,\"a\r\nb\"\r\nq,x\"\r\n", 3)]
    public async Task A_quote_after_a_closing_quote_or_inside_an_unquoted_field_is_refused_naming_the_record(string text, int record)
    {
        var e = await Assert.ThrowsAsync<FormatException>(() => ReadAsync(text));
        Assert.StartsWith($"record {record}: ", e.Message);
    }

    private static async Task<List<string[]>> ReadAsync(string text)
    {
        var records = new List<string[]>();
        await foreach (var r in Rfc4180.ReadAsync(new StringReader(text))) records.Add(r);
        return records;
    }
}
