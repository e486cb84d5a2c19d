namespace Coord.Demo;

public sealed class DemoScenario(Coord.Cli.CliContext ctx, DirectoryInfo mailDir, TimeSpan embargo)
{
    public Task<int> RunAsync(CancellationToken ct) => Task.FromResult(0);
}
