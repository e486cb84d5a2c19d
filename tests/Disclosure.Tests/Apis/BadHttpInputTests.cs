using System.Net;
using System.Text;
using System.Text.Json;
using Coordination.Hosting.Auth;
using Coordination.Testing;
using Disclosure.Tests.Support;
using MailSink;

namespace Disclosure.Tests.Apis;

/// <summary>Query values and bodies the endpoints cannot bind: a 400 naming the field, never a 500.</summary>
public sealed class BadHttpInputTests
{
    [Fact]
    public async Task A_query_value_or_body_that_does_not_bind_is_a_400_naming_the_field()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("disclosure");
        await using var sink = MailSinkServer.InNewFolder(ServiceProcess.FreePort(), "disclosure-mail-");
        await sink.StartAsync();
        await using var service = ServiceProcess.Start("Disclosure", DisclosureHost.Settings(isolation, sink.Port));
        await service.WaitUntilReadyAsync();
        using var anonymous = service.CreateClient();
        using var member = service.CreateClient(TestTokens.Issue(isolation.SigningKey, Roles.Member));

        foreach (var (query, field) in new[] { ("page=abc", "page"), ("pageSize=99999999999", "pageSize"), ("page=1.5", "page") })
            await AssertNamesAsync(await anonymous.GetAsync("advisories?" + query), field, query);
        foreach (var (body, field) in new[] { ("{bad", "body"), ("[]", "body"), ("", "body"), ("null", "body"), ("{\"reason\":5}", "reason") })
            await AssertNamesAsync(await member.PostAsync($"cases/{Guid.NewGuid()}/advisory/withdraw",
                new StringContent(body, Encoding.UTF8, "application/json")), field, body);
        Assert.DoesNotContain("nhandled", service.Output);
    }

    private static async Task AssertNamesAsync(HttpResponseMessage response, string field, string input)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{input}: {(int)response.StatusCode} {text}");
        Assert.True(JsonDocument.Parse(text).RootElement.GetProperty("errors").TryGetProperty(field, out _), $"{input}: {text}");
    }
}
