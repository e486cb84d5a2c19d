using System.Net;
using Intake.Tests.Support;

namespace Intake.Tests.Support;

/// <summary>Valid requests the tests start from.</summary>
public static class Samples
{
    public static object Report(string description = "The parser in example-lib crashes on crafted input; PoC attached.") => new
    {
        reporterName = "Rita Reporter",
        reporterEmail = "rita@example.org",
        components = new[] { "example-lib" },
        description,
        subject = "Crash in parser",
        credit = new { wanted = true, name = "Rita R.", types = new[] { "finder", "REPORTER" } },
    };

    public static object Draft(string title = "Heap overflow in example-lib parser") => new
    {
        title,
        summary = "A crafted document overflows a heap buffer.",
        details = "Embargoed details of the overflow.",
        affected = new[]
        {
            new
            {
                ecosystem = "PyPI",
                name = "Example_Lib",
                purl = "pkg:pypi/example-lib",
                ranges = new object[]
                {
                    new { type = "ECOSYSTEM", events = new object[] { new { introduced = "0" }, new { @fixed = "2.4.1" } } },
                    new
                    {
                        type = "GIT", repo = "https://github.com/example/example-lib",
                        events = new object[] { new { introduced = new string('a', 40) }, new { @fixed = new string('b', 40) } },
                    },
                },
                versions = new[] { "2.4.0" },
            },
        },
        severity = new { rating = "high", cvssVector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N" },
        cwes = new[] { "CWE-122" },
        references = new[] { new { type = "FIX", url = "https://github.com/example/example-lib/commit/" + new string('b', 40) } },
        cveId = "CVE-2026-12345",
        credits = new[] { new { name = "Rita R.", types = new[] { "FINDER", "REPORTER" }, contact = "rita@example.org" } },
    };

    public static async Task<(Guid Id, string ReporterToken)> SubmitReport(HttpClient http, object? report = null)
    {
        var response = await http.Post("reports", report ?? Report());
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var json = await response.Json();
        return (json.GetProperty("id").GetGuid(), json.GetProperty("reporterToken").GetString()!);
    }

    public static async Task<Guid> OpenCase(HttpClient member, params Guid[] reportIds)
    {
        var response = await member.Post("cases", new { reportIds });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Json()).GetProperty("id").GetGuid();
    }
}
