using Coord.Config;

namespace Coord.Tests;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class TokenFileTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("coord-token-").FullName;

    [Fact]
    public void Written_token_file_is_readable_and_writable_by_its_owner_only()
    {
        var path = Path.Combine(dir, "sub", "token");
        TokenFile.Write(path, "secret-token\n");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("secret-token", TokenFile.TryRead(path));
    }

    [Fact]
    public void Rewriting_a_world_readable_token_file_leaves_it_mode_600()
    {
        var path = Path.Combine(dir, "token");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, (UnixFileMode)0b110_100_100); // 644
        TokenFile.Write(path, "new");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("new", TokenFile.TryRead(path));
    }

    [Fact]
    public async Task Login_when_intake_cannot_be_reached_keeps_the_stored_token()
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var token = Path.Combine(dir, "cfg", "token");
        TokenFile.Write(token, "working-token");
        var run = await Support.CliRun.RunAsync(["login"], new Dictionary<string, string?> { ["COORD_CONFIG"] = config, ["COORD_INTAKE_URL"] = "http://127.0.0.1:1" }, stdin: "tok-123\n");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("working-token", TokenFile.TryRead(token));
        Assert.Contains("cannot reach intake", run.Err);
        Assert.Contains("the token was not stored", run.Err);
        Assert.Contains("--no-check", run.Err);
    }

    [Fact]
    public async Task Login_with_no_check_stores_the_token_from_stdin_with_mode_600_without_asking_intake()
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var handler = new Support.CannedHandler(System.Net.HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401}""");
        var run = await Support.CliRun.RunAsync(["login", "--no-check"], new Dictionary<string, string?> { ["COORD_CONFIG"] = config }, handler, stdin: "tok-123\n");
        var token = Path.Combine(dir, "cfg", "token");
        Assert.Equal(0, run.ExitCode);
        Assert.Equal("tok-123", TokenFile.TryRead(token));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(token));
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Login_at_a_terminal_reads_the_token_without_echoing_it()
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var (output, error) = (new StringWriter(), new StringWriter());
        var environment = new Coord.Cli.CliEnvironment
        {
            Out = output, Err = error, In = new StringReader("echoed-if-read-here\n"), InputRedirected = false, Interactive = false,
            Variables = new Dictionary<string, string?> { ["COORD_CONFIG"] = config, ["COORD_INTAKE_URL"] = "http://127.0.0.1:1" },
            ReadSecretLine = _ => Task.FromResult<string?>("tok-typed"),
        };
        await Coord.CoordCli.RunAsync(["login", "--no-check"], environment);
        Assert.Equal("tok-typed", TokenFile.TryRead(Path.Combine(dir, "cfg", "token")));
        Assert.Contains("(not shown)", error.ToString());
        Assert.DoesNotContain("tok-typed", output.ToString() + error.ToString());
    }

    [Fact]
    public async Task Login_with_a_token_intake_refuses_keeps_the_stored_one()
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var token = Path.Combine(dir, "cfg", "token");
        TokenFile.Write(token, "working-token");
        var handler = new Support.CannedHandler(System.Net.HttpStatusCode.Unauthorized, """{"title":"Unauthorized","status":401}""");
        var run = await Support.CliRun.RunAsync(["login"], new Dictionary<string, string?> { ["COORD_CONFIG"] = config }, handler, stdin: "mistyped\n");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("working-token", TokenFile.TryRead(token));
        Assert.Contains("intake: 401", run.Err);
        Assert.Contains("the token was not stored", run.Err);
        Assert.Equal("Bearer mistyped", handler.Requests.Single().Headers.Authorization?.ToString());
    }

    [Theory]
    [InlineData("ct1.abc\u00a0def.mac")]   // a no-break space from a web page
    [InlineData("ct1.abc def.mac")]
    [InlineData("ct1.abc\u2026")]          // a word processor's ellipsis
    public async Task Login_with_a_mangled_paste_keeps_the_stored_token_and_sends_nothing(string pasted)
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var token = Path.Combine(dir, "cfg", "token");
        TokenFile.Write(token, "working-token");
        var handler = new Support.CannedHandler(System.Net.HttpStatusCode.OK, """{"name":"x","role":"member"}""");
        var run = await Support.CliRun.RunAsync(["login"], new Dictionary<string, string?> { ["COORD_CONFIG"] = config }, handler, stdin: pasted + "\n");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("working-token", TokenFile.TryRead(token));
        Assert.Contains("nothing was stored", run.Err);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Login_with_a_token_intake_accepts_replaces_the_stored_one()
    {
        var config = Path.Combine(dir, "cfg", "config.json");
        var token = Path.Combine(dir, "cfg", "token");
        TokenFile.Write(token, "old-token");
        var handler = new Support.CannedHandler(System.Net.HttpStatusCode.OK, """{"name":"Ann","role":"admin"}""", "application/json");
        var run = await Support.CliRun.RunAsync(["login", "--token", "new-token"], new Dictionary<string, string?> { ["COORD_CONFIG"] = config }, handler);
        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal("new-token", TokenFile.TryRead(token));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(token));
        Assert.Contains("Logged in as Ann (admin)", run.Out);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
