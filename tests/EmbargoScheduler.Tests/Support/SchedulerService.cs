using Coordination.Testing;

namespace EmbargoScheduler.Tests.Support;

/// <summary>The built embargo-scheduler as a process of its own, with a short minimum lead time for fast tests.</summary>
public static class SchedulerService
{
    public static Dictionary<string, string> Settings(Isolation isolation)
    {
        var settings = isolation.ServiceSettings();
        settings["Embargo__MinimumLeadTime"] = "00:00:02";
        settings["Logging__LogLevel__EmbargoScheduler"] = "Warning";
        return settings;
    }

    public static Task<ServiceProcess> StartAsync(Isolation isolation) => StartAsync(Settings(isolation));

    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var process = ServiceProcess.Start("EmbargoScheduler", settings);
        try
        {
            await process.WaitUntilReadyAsync();
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
        return process;
    }
}
