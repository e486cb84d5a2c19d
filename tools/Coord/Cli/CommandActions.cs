using System.CommandLine;
using Coord.Config;
using Coord.Http;
using Coord.Output;

namespace Coord.Cli;

/// <summary>
/// Binds a command to its action and turns failures into one readable line per problem on stderr:
/// exit 1 for an answer refused by a service or a service that cannot be reached, 2 for bad input.
/// </summary>
public static class CommandActions
{
    public const int ServiceError = 1;
    public const int UsageError = 2;

    public static Command Does(this Command command, CliEnvironment env, Func<CliContext, CancellationToken, Task<int>> action)
    {
        command.SetAction(async (parse, ct) =>
        {
            var ctx = new CliContext(env, parse);
            try
            {
                return await action(ctx, ct);
            }
            catch (ApiProblemException e)
            {
                if (ctx.Json && e.Body.Length > 0) env.Out.WriteLine(e.Body);
                foreach (var line in ProblemFormatter.Lines(e.Service, e.Status, e.Body)) env.Err.WriteLine(line);
                return ServiceError;
            }
            catch (ServiceUnreachableException e)
            {
                env.Err.WriteLine(e.Message);
                return ServiceError;
            }
            catch (CoordConfigException e)
            {
                env.Err.WriteLine($"configuration: {e.Message}");
                return UsageError;
            }
            catch (UsageException e)
            {
                env.Err.WriteLine(e.Message);
                return UsageError;
            }
        });
        return command;
    }

    public static Command Does(this Command command, CliEnvironment env, Func<CliContext, CancellationToken, Task> action) =>
        command.Does(env, async (ctx, ct) => { await action(ctx, ct); return 0; });
}
