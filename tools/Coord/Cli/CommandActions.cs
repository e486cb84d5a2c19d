using System.CommandLine;
using Coord.Config;
using Coord.Http;
using Coord.Output;

namespace Coord.Cli;

/// <summary>
/// Binds a command to its action and turns failures into one readable line per problem on stderr:
/// exit 1 for an answer refused by a service, one coord cannot read, or a service that cannot be reached; 2 for bad input
/// (options, settings, files that cannot be read).
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
            catch (Exception e) when (Report(ctx, e) is { } code)
            {
                return code;
            }
        });
        return command;
    }

    public static Command Does(this Command command, CliEnvironment env, Func<CliContext, CancellationToken, Task> action) =>
        command.Does(env, async (ctx, ct) => { await action(ctx, ct); return 0; });

    /// <summary>Writes a failure as one line per problem and returns its exit code; null for a cancellation.</summary>
    public static int? Report(CliContext ctx, Exception e)
    {
        switch (e)
        {
            case ApiProblemException p:
                if (ctx.Json && p.Body.Length > 0) ctx.Out.WriteLine(p.Body);
                foreach (var line in ProblemFormatter.Lines(p.Service, p.Status, p.Body)) ctx.Err.WriteLine(line);
                return ServiceError;
            case ServiceUnreachableException:
                ctx.Err.WriteLine(e.Message);
                return ServiceError;
            case CoordConfigException:
                ctx.Err.WriteLine($"configuration: {e.Message}");
                return UsageError;
            case UsageException:
                ctx.Err.WriteLine(e.Message);
                return UsageError;
            case BadAnswerException:
                ctx.Err.WriteLine(e.Message);
                return ServiceError;
            case System.Text.Json.JsonException:
                ctx.Err.WriteLine($"coord: an answer could not be read as JSON: {e.Message}");
                return ServiceError;
            case IOException or UnauthorizedAccessException or NotSupportedException:
                ctx.Err.WriteLine($"coord: {e.Message}");
                return UsageError;
            case OperationCanceledException:
                return null;
            default:
                // Anything else (an answer of an unexpected shape, a tool coord runs failing) is still one line, not a
                // stack trace; the type says where to look.
                ctx.Err.WriteLine($"coord: unexpected failure ({e.GetType().Name}): {e.Message}");
                return ServiceError;
        }
    }
}
