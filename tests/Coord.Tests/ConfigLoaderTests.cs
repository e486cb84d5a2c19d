using Coord.Config;

namespace Coord.Tests;

public sealed class ConfigLoaderTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("coord-config-").FullName;
    private string ConfigPath => Path.Combine(dir, "config.json");

    private Dictionary<string, string?> Env(params (string, string)[] extra)
    {
        var env = new Dictionary<string, string?> { ["COORD_CONFIG"] = ConfigPath };
        foreach (var (k, v) in extra) env[k] = v;
        return env;
    }

    [Fact]
    public void Without_file_or_variables_the_run_sh_ports_are_used()
    {
        var s = ConfigLoader.Load(Env());
        Assert.Equal(("http://127.0.0.1:35101", "http://127.0.0.1:35102", "http://127.0.0.1:35103", "http://127.0.0.1:35104"),
            (s.IntakeUrl, s.EmbargoUrl, s.NotifierUrl, s.DisclosureUrl));
        Assert.Null(s.Token);
    }

    [Fact]
    public void The_file_overrides_defaults_and_variables_override_the_file()
    {
        File.WriteAllText(ConfigPath, """{ "intakeUrl": "http://file:1/", "notifierUrl": "http://file:3", "token": "file-token" }""");
        var s = ConfigLoader.Load(Env(("COORD_NOTIFIER_URL", "http://env:3"), ("COORD_DISCLOSURE_URL", "http://env:4")));
        Assert.Equal("http://file:1", s.IntakeUrl);
        Assert.Equal("http://127.0.0.1:35102", s.EmbargoUrl);
        Assert.Equal("http://env:3", s.NotifierUrl);
        Assert.Equal("http://env:4", s.DisclosureUrl);
        Assert.Equal("file-token", s.Token);
    }

    [Fact]
    public void Token_precedence_is_file_then_stored_token_then_COORD_TOKEN_then_token_file_option()
    {
        File.WriteAllText(ConfigPath, """{ "token": "from-config" }""");
        TokenFile.Write(Path.Combine(dir, "token"), "from-login");
        Assert.Equal("from-login", ConfigLoader.Load(Env()).Token);
        Assert.Equal("from-env", ConfigLoader.Load(Env(("COORD_TOKEN", "from-env"))).Token);
        var explicitFile = Path.Combine(dir, "admin.token");
        File.WriteAllText(explicitFile, "from-option\n");
        Assert.Equal("from-option", ConfigLoader.Load(Env(("COORD_TOKEN", "from-env")), explicitFile).Token);
    }

    [Fact]
    public void Default_config_path_is_under_XDG_CONFIG_HOME_or_HOME()
    {
        Assert.Equal("/x/coord/config.json", ConfigLoader.ConfigPath(new Dictionary<string, string?> { ["XDG_CONFIG_HOME"] = "/x", ["HOME"] = "/h" }));
        Assert.Equal("/h/.config/coord/config.json", ConfigLoader.ConfigPath(new Dictionary<string, string?> { ["HOME"] = "/h" }));
    }

    [Fact]
    public async Task A_broken_config_file_is_one_line_and_exit_code_2()
    {
        File.WriteAllText(ConfigPath, "{ not json");
        var run = await Support.CliRun.RunAsync(["report", "list"], Env());
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("configuration: ", run.Err);
        Assert.Single(run.Err.Trim().Split('\n'));
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
