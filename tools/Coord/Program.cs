using Coord;
using Coord.Cli;

return await CoordCli.RunAsync(args, new CliEnvironment());
