using System.Text.Json.Nodes;
using Coord.Output;

namespace Coord.Tests;

public sealed class DraftAnnotationTests
{
    private static readonly JsonNode Draft = JsonNode.Parse("""
        {"title":"T","affected":[{"name":"x","purl":"pkg:pypi/x@1.0","ranges":[]}],"severity":{"rating":"Huge","cvssVector":"CVSS:3.1/AV:N"},"credits":[]}
        """)!;

    [Fact]
    public void Each_error_is_a_comment_on_the_line_before_its_field()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["affected[0].purl"] = ["must not carry a version (@...)"],
            ["severity.rating"] = ["must be one of Low, Medium, High, Critical"],
        };
        var lines = JsonAnnotator.Write(Draft, errors, ["header"]).Split('\n');
        var purl = Array.FindIndex(lines, l => l.Contains("\"purl\""));
        Assert.Equal("      // ERROR affected[0].purl: must not carry a version (@...)", lines[purl - 1]);
        var rating = Array.FindIndex(lines, l => l.Contains("\"rating\""));
        Assert.Equal("    // ERROR severity.rating: must be one of Low, Medium, High, Critical", lines[rating - 1]);
        Assert.Equal("// header", lines[0]);
    }

    [Fact]
    public void Errors_for_fields_missing_from_the_file_are_listed_on_top()
    {
        var text = JsonAnnotator.Write(Draft, new Dictionary<string, string[]> { ["summary"] = ["is required"] }, []);
        Assert.StartsWith("// ERROR summary: is required\n", text);
    }

    [Fact]
    public void The_annotated_file_reads_back_as_the_same_document()
    {
        var text = JsonAnnotator.Write(Draft, new Dictionary<string, string[]> { ["title"] = ["too short"], ["x"] = ["y"] }, ["a", "b"]);
        Assert.True(JsonNode.DeepEquals(Draft, JsonAnnotator.Read(text)));
    }
}
