using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Coordination.Hosting.Auth;
using Coordination.Testing;
using Intake.Tests.Support;
using Microsoft.AspNetCore.Routing;

namespace Intake.Tests;

/// <summary>
/// Every endpoint of the running app must appear in the rule table below: a new endpoint without a rule fails the
/// test. Each rule is then checked: 401 without a token, 403 with a role too weak, and not 401/403 with enough.
/// </summary>
public sealed partial class AuthorizationTests : IAsyncLifetime
{
    private enum Access { Public, Reporter, Member, Admin }

    private static readonly Dictionary<string, Access> Rules = new()
    {
        ["GET /health/live"] = Access.Public,
        ["GET /health/ready"] = Access.Public,
        ["GET /openapi/{documentName}.json"] = Access.Public,
        ["GET /scalar/{documentName?}"] = Access.Public,
        ["GET /scalar/favicon.svg"] = Access.Public,
        ["GET /scalar/scalar.aspnetcore.js"] = Access.Public,
        ["GET /scalar/scalar.js"] = Access.Public,
        ["POST /reports/"] = Access.Public,
        ["GET /reports/{id:guid}"] = Access.Reporter,
        ["GET /reports/"] = Access.Member,
        ["POST /reports/{id:guid}/replies"] = Access.Member,
        ["POST /cases/"] = Access.Member,
        ["GET /cases/"] = Access.Member,
        ["GET /cases/{id:guid}"] = Access.Member,
        ["POST /cases/{id:guid}/reports"] = Access.Member,
        ["PUT /cases/{id:guid}/coordinator"] = Access.Member,
        ["GET /cases/{id:guid}/timeline"] = Access.Member,
        ["GET /cases/{id:guid}/draft"] = Access.Member,
        ["PUT /cases/{id:guid}/draft"] = Access.Member,
        ["POST /cases/{id:guid}/credits"] = Access.Member,
        ["POST /cases/{id:guid}/embargo"] = Access.Member,
        ["POST /cases/{id:guid}/withdraw"] = Access.Member,
        ["GET /me"] = Access.Member,
        ["GET /whoami"] = Access.Member,
        ["POST /members/"] = Access.Admin,
        ["GET /members/"] = Access.Member,
        ["GET /members/{id:guid}"] = Access.Member,
        ["DELETE /members/{id:guid}"] = Access.Admin,
        ["GET /members/{id:guid}/tokens"] = Access.Admin,
        ["POST /members/{id:guid}/tokens"] = Access.Admin,
        ["DELETE /members/{id:guid}/tokens/{tokenId:guid}"] = Access.Admin,
        ["GET /team/"] = Access.Public,
        ["GET /team.csv"] = Access.Public,
        ["GET /team/inactivity"] = Access.Member,
        ["POST /team/leave"] = Access.Member,
        ["POST /team/{id:guid}/removal"] = Access.Admin,
        ["PUT /team/{id:guid}/role"] = Access.Admin,
        ["PUT /team/{id:guid}/exemption"] = Access.Admin,
        ["POST /nominations/"] = Access.Member,
        ["GET /nominations/"] = Access.Member,
        ["GET /nominations/{id:guid}"] = Access.Member,
        ["PUT /nominations/{id:guid}/vote"] = Access.Member,
        ["POST /nominations/{id:guid}/veto"] = Access.Admin,
        ["POST /nominations/{id:guid}/onboarding"] = Access.Admin,
    };

    private IntakeFixture f = null!;

    public async Task InitializeAsync() => f = await IntakeFixture.StartAsync();

    public async Task DisposeAsync() => await f.DisposeAsync();

    private IReadOnlyList<string> Endpoints() =>
        f.Host.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => $"{m} {Normalize(e.RoutePattern.RawText)}"))
            .Distinct().Order().ToList();

    private static string Normalize(string? pattern) => "/" + (pattern ?? "").TrimStart('/');

    [Fact]
    public void Every_endpoint_has_an_authorization_rule()
    {
        var missing = Endpoints().Where(e => !Rules.ContainsKey(e)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a rule in AuthorizationTests.Rules: " + string.Join(", ", missing));
        Assert.True(Endpoints().Count >= 25);
    }

    [Fact]
    public async Task Every_endpoint_refuses_a_missing_token_with_401_and_a_weak_role_with_403()
    {
        var failures = new List<string>();
        var weakToken = TestTokens.Issue(f.Isolation.SigningKey, "observer");
        foreach (var endpoint in Endpoints())
        {
            var access = Rules[endpoint];
            var (method, pattern) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
            var url = Concrete(pattern);
            var anonymous = await Send(method, url, null);
            var member = await Send(method, url, f.Host.Token(Roles.Member));
            var admin = await Send(method, url, f.Host.Token(Roles.Admin));
            var weak = await Send(method, url, weakToken);
            void Expect(bool ok, string what) { if (!ok) failures.Add($"{endpoint}: {what}"); }
            switch (access)
            {
                case Access.Public:
                    Expect(anonymous is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"public but anonymous got {anonymous}");
                    break;
                case Access.Reporter:
                    Expect(anonymous == HttpStatusCode.Unauthorized, $"anonymous got {anonymous}");
                    Expect(await Send(method, url, null, reporterToken: "rt1.not-this-reports-token") == HttpStatusCode.Forbidden, "a foreign reporter token was not refused with 403");
                    Expect(weak == HttpStatusCode.Forbidden, $"weak role got {weak}");
                    Expect(member is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"member got {member}");
                    break;
                case Access.Member:
                    Expect(anonymous == HttpStatusCode.Unauthorized, $"anonymous got {anonymous}");
                    Expect(weak == HttpStatusCode.Forbidden, $"weak role got {weak}");
                    Expect(member is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"member got {member}");
                    break;
                case Access.Admin:
                    Expect(anonymous == HttpStatusCode.Unauthorized, $"anonymous got {anonymous}");
                    Expect(member == HttpStatusCode.Forbidden, $"member got {member}");
                    Expect(weak == HttpStatusCode.Forbidden, $"weak role got {weak}");
                    Expect(admin is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden), $"admin got {admin}");
                    break;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private async Task<HttpStatusCode> Send(string method, string url, string? token, string? reporterToken = null)
    {
        using var http = f.Host.Client(token);
        using var request = new HttpRequestMessage(new HttpMethod(method), url.TrimStart('/'));
        if (method is "POST" or "PUT") request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        if (reporterToken is not null) request.Headers.Add("X-Reporter-Token", reporterToken);
        return (await http.SendAsync(request)).StatusCode;
    }

    private static string Concrete(string pattern) => Parameter().Replace(pattern, m =>
        m.Value.Contains(":guid") ? Guid.NewGuid().ToString() : m.Value.Contains('?') || m.Value.Contains("**") ? "" : "v1");

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
