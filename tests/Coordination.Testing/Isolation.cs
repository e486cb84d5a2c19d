using System.Security.Cryptography;

namespace Coordination.Testing;

/// <summary>A test's own virtual host and database, and the settings a service needs to use them.</summary>
public sealed record Isolation(string VirtualHost, string ConnectionString, TestInfrastructure.Endpoints Endpoints)
{
    /// <summary>The signing key every service of this test shares.</summary>
    public string SigningKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>The downstream-notifier's acknowledgement-link key for this test.</summary>
    public string LinkKey { get; } = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Environment variables (and configuration keys) for a service process or an in-process host.</summary>
    public Dictionary<string, string> ServiceSettings() => new()
    {
        ["RabbitMq__Host"] = Endpoints.RabbitHost,
        ["RabbitMq__Port"] = Endpoints.RabbitPort.ToString(),
        ["RabbitMq__VirtualHost"] = VirtualHost,
        ["RabbitMq__Username"] = Endpoints.RabbitUser,
        ["RabbitMq__Password"] = Endpoints.RabbitPassword,
        ["Postgres__ConnectionString"] = ConnectionString,
        ["Auth__SigningKey"] = SigningKey,
        ["Notifier__LinkKey"] = LinkKey,
        ["Smtp__Host"] = "127.0.0.1",
        // Everything that reaches outsiders has no default: a deployment must say what it publishes and sends.
        ["Smtp__From"] = "security@coordination.test",
        ["Notifier__PublicBaseUrl"] = "http://notifier.coordination.test",
        ["Disclosure__PublicBaseUrl"] = "https://advisories.coordination.test",
        ["Disclosure__AnnounceTo"] = "security-announce@coordination.test",
        ["Disclosure__Cna__OrgId"] = "5b0f5c4e-7d2a-4c1b-9e3f-2a6d8c0b1e47",
        ["Disclosure__Cna__ShortName"] = "TEST",
        ["Disclosure__Publisher__Namespace"] = "https://coordination.test",
    };
}
