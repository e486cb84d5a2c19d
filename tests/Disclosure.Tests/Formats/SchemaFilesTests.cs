using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Disclosure.Tests.Support;

namespace Disclosure.Tests.Formats;

public sealed class SchemaFilesTests
{
    [Theory]
    [InlineData("osv-schema.json", "cf123dd7eade126e5d3b2932b43a9038611ca602")]
    [InlineData("cve-record-format-bundled.json", "4b8f98b4cf684c2266e3b52a2fefda8f675a4be0")]
    [InlineData("csaf-2.0-schema.json", "93ff152a2c454f825d99eeae56f657c5c9518f3b")]
    [InlineData("cvss-v2.0.json", "efe9917af6ce9c3705f4f05284e3cb57d534e3ed")]
    [InlineData("cvss-v3.0.json", "af09ec62aa48e51d75279138b25a4b33ec52cf0c")]
    [InlineData("cvss-v3.1.json", "0c2b2dd3829730e81770dc3422dda71e44b8790c")]
    public void Vendored_schema_is_the_upstream_file(string file, string gitBlob)
    {
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Schemas", file));
        var header = Encoding.ASCII.GetBytes($"blob {bytes.Length}\0");
        Assert.Equal(gitBlob, Convert.ToHexStringLower(SHA1.HashData([.. header, .. bytes])));
    }

    [Theory]
    [InlineData("osv", "osv-example.json")]
    [InlineData("cve", "cve-example.json")]
    [InlineData("csaf", "csaf-example.json")]
    public void Upstream_example_validates(string format, string file) =>
        Assert.Empty(Schemas.Errors(Pick(format), Schemas.Read(file)));

    [Fact]
    public void Validator_rejects_a_CSAF_score_with_an_unknown_severity_through_the_FIRST_ref()
    {
        var doc = JsonNode.Parse(Schemas.Read("csaf-example.json"))!;
        doc["vulnerabilities"]![0]!["scores"]![0]!["cvss_v3"]!["baseSeverity"] = "SEVERE";
        Assert.NotEmpty(Schemas.Errors(Schemas.Csaf, doc));
    }

    [Fact]
    public void Validator_rejects_an_OSV_GIT_fix_with_a_short_hash()
    {
        var doc = JsonNode.Parse(Schemas.Read("osv-example.json"))!;
        var ranges = doc["affected"]![0]!["ranges"]!.AsArray();
        var git = ranges.First(r => (string?)r!["type"] == "GIT")!;
        git["events"]!.AsArray().Add(new JsonObject { ["fixed"] = "f29357c" });
        Assert.NotEmpty(Schemas.Errors(Schemas.Osv, doc));
    }

    [Fact]
    public void Validator_rejects_a_CVE_credit_without_lang()
    {
        var doc = JsonNode.Parse(Schemas.Read("cve-example.json"))!;
        doc["containers"]!["cna"]!["credits"] = new JsonArray(new JsonObject { ["value"] = "Someone" });
        Assert.NotEmpty(Schemas.Errors(Schemas.Cve, doc));
    }

    private static Json.Schema.JsonSchema Pick(string format) => format switch
    {
        "osv" => Schemas.Osv, "cve" => Schemas.Cve, _ => Schemas.Csaf,
    };
}
