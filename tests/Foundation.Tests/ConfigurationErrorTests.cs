using Coordination.Testing;

namespace Foundation.Tests;

public sealed class ConfigurationErrorTests
{
    public static TheoryData<string, string, string?, string> BrokenSettings => new()
    {
        { "Intake", "RabbitMq__Host", null, "RabbitMq:Host" },
        { "EmbargoScheduler", "Postgres__ConnectionString", "Host=127.0.0.1;Bogus=1", "Postgres:ConnectionString" },
        { "DownstreamNotifier", "Auth__SigningKey", "not-base64!", "Auth:SigningKey" },
        { "Disclosure", "RabbitMq__Port", "99999", "RabbitMq:Port" },
        { "Intake", "Auth__SigningKey", null, "Auth:SigningKey" },
        // No mail server in appsettings.json: a deployment without one must not send the announcement to loopback in cleartext.
        { "Disclosure", "Smtp__Host", null, "Smtp:Host" },
        { "Disclosure", "Disclosure__Publisher__Category", "bogus", "Disclosure:Publisher:Category" },
        // CSAF's mandatory test 6.1.15 fails every document of a "translator" without a source language.
        { "Disclosure", "Disclosure__Publisher__Category", "translator", "Disclosure:Publisher:Category" },
        { "Disclosure", "Disclosure__Cna__ShortName", "X", "Disclosure:Cna:ShortName" },
        { "Intake", "RabbitMq__Port", "abc", "RabbitMq:Port" },
        { "EmbargoScheduler", "Postgres__StartupWaitSeconds", "lots", "Postgres:StartupWaitSeconds" },
        // Inside a dictionary the binder skips a value it cannot convert instead of failing: the channel would silently
        // stop requiring encryption.
        { "DownstreamNotifier", "Notifier__Channels__distros__RequireEncryption", "maybe", "Notifier:Channels:distros:RequireEncryption" },
        // The same for a list's entry: the offset was dropped, and with it every reminder.
        { "EmbargoScheduler", "Embargo__ReminderOffsets__0", "abc", "Embargo:ReminderOffsets:0: not a valid TimeSpan" },
        // Intake's web server reads these while the app is built, before the settings check used to run.
        { "Intake", "Intake__TrustedProxies__0", "foo", "Intake:TrustedProxies:0" },
        { "Intake", "Intake__ReportsPermitLimit", "0", "Intake:ReportsPermitLimit" },
        { "Intake", "Intake__MaxRequestBodyBytes", "abc", "Intake:MaxRequestBodyBytes: not a valid Int64" },
        // The mailbox poller is on once Imap:Host is set: it needs the password as well as the user name.
        { "Intake", "Imap__Host", "127.0.0.1", "Imap:Password: is required when Imap:Host is set" },
        // What public records and mail to outsiders carry has no placeholder default.
        { "Disclosure", "Disclosure__Cna__OrgId", "00000000-0000-4000-8000-000000000000", "Disclosure:Cna:OrgId: 00000000-0000-4000-8000-000000000000 is a placeholder" },
        { "Disclosure", "Disclosure__Cna__OrgId", null, "Disclosure:Cna:OrgId: is required" },
        { "Disclosure", "Disclosure__AnnounceTo", null, "Disclosure:AnnounceTo" },
        { "Disclosure", "Smtp__From", null, "Smtp:From" },
        { "DownstreamNotifier", "Notifier__PublicBaseUrl", null, "Notifier:PublicBaseUrl" },
    };

    [Theory]
    [MemberData(nameof(BrokenSettings))]
    public async Task A_wrong_setting_stops_the_service_with_a_line_naming_it(string service, string key, string? value, string named)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("config");
        var settings = isolation.ServiceSettings();
        if (value is null) settings.Remove(key); else settings[key] = value;
        await StopsNamingAsync(service, settings, named);
    }

    [Theory]
    [InlineData("relay.example.org")]
    [InlineData("10.0.0.25")]
    [InlineData("mailcatcher")] // not the host listed
    public async Task Mail_in_clear_to_a_host_not_loopback_nor_listed_stops_the_service_naming_Smtp_Security(string host)
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("config");
        var settings = isolation.ServiceSettings();
        (settings["Smtp__Host"], settings["Smtp__Security"], settings["Smtp__CleartextHosts__0"]) = (host, "None", "mail");
        await StopsNamingAsync("DownstreamNotifier", settings, "Smtp:Security: None sends every mail");
    }

    [Fact]
    public async Task Mail_in_clear_to_a_listed_host_is_allowed()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("config");
        var settings = isolation.ServiceSettings();
        (settings["Smtp__Host"], settings["Smtp__Security"], settings["Smtp__CleartextHosts__0"]) = ("Mail", "None", "mail");
        await using var process = ServiceProcess.Start("DownstreamNotifier", settings);
        await process.WaitUntilReadyAsync();
    }

    private static async Task StopsNamingAsync(string service, Dictionary<string, string> settings, string named)
    {
        await using var process = ServiceProcess.Start(service, settings);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(process.Output.Split('\n'), l => l.Contains("configuration error"));
        Assert.Contains(named, line);
        Assert.DoesNotContain("   at ", process.Output); // one line, no stack trace
    }

    [Fact]
    public async Task An_unreachable_database_stops_the_service_naming_the_connection_string()
    {
        var isolation = await TestInfrastructure.CreateIsolationAsync("config");
        var settings = isolation.ServiceSettings();
        settings["Postgres__ConnectionString"] = $"Host=127.0.0.1;Port={ServiceProcess.FreePort()};Username=postgres;Timeout=2";
        settings["Postgres__StartupWaitSeconds"] = "1";

        await using var process = ServiceProcess.Start("Disclosure", settings);
        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        Assert.Contains("Postgres:ConnectionString: cannot reach the database", process.Output);
    }
}
