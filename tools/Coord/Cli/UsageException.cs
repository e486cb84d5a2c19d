namespace Coord.Cli;

/// <summary>Bad or missing input found by coord itself (not by a service); one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
