using Coordination.Testing;

namespace Disclosure.Tests.Support;

/// <summary>Settings for a disclosure service process in a test's isolation, with the mail sink's port.</summary>
public static class DisclosureHost
{
    public const string AnnounceTo = "security-announce@example.org";
    public const string PublicBaseUrl = "https://advisories.example.org";

    public static Dictionary<string, string> Settings(Isolation isolation, int smtpPort)
    {
        var s = isolation.ServiceSettings();
        s["Disclosure__IdPrefix"] = "x_COORD";
        s["Disclosure__PublicBaseUrl"] = PublicBaseUrl;
        s["Disclosure__AnnounceTo"] = AnnounceTo;
        s["Disclosure__Cna__OrgId"] = "7d9b4a3c-2f1e-4d5c-8b6a-9e0f1a2b3c4d";
        s["Disclosure__Cna__ShortName"] = "EXAMPLE";
        s["Disclosure__Publisher__Name"] = "Example Security Response Team";
        s["Disclosure__Publisher__Namespace"] = "https://example.org";
        s["Smtp__Host"] = "127.0.0.1";
        s["Smtp__Port"] = smtpPort.ToString();
        s["Smtp__Security"] = "None";
        s["Smtp__From"] = "security@example.org";
        return s;
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, TimeSpan? timeout = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (await probe() is { } value) return value;
            await Task.Delay(200);
        }
        throw new TimeoutException("timed out waiting for " + what);
    }
}
