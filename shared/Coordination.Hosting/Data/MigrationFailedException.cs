using Npgsql;

namespace Coordination.Hosting.Data;

/// <summary>
/// A migration script PostgreSQL refused. The message names the script, the error's SQL state and the objects
/// PostgreSQL names; PostgreSQL's own text only for errors about the script itself (class 42: syntax, unknown
/// names, rights), as a data error's text can quote a row's value (22P02 <c>invalid input syntax … "value"</c>).
/// </summary>
public sealed class MigrationFailedException(string script, Exception? error) : Exception(Describe(script, error), error)
{
    public string Script { get; } = script;

    private static string Describe(string script, Exception? error) => error switch
    {
        PostgresException pg => $"migration {script} failed: PostgreSQL error {pg.SqlState}" +
                                (pg.SqlState.StartsWith("42", StringComparison.Ordinal) ? $" {pg.MessageText}" : "") + Objects(pg),
        null => $"migration {script} failed",
        _ => $"migration {script} failed: {error.GetType().Name}",
    };

    private static string Objects(PostgresException pg)
    {
        var named = new[] { ("table", pg.TableName), ("column", pg.ColumnName), ("constraint", pg.ConstraintName), ("at character", pg.Position > 0 ? pg.Position.ToString() : null) }
            .Where(o => !string.IsNullOrEmpty(o.Item2)).Select(o => $"{o.Item1} {o.Item2}").ToList();
        return named.Count == 0 ? "" : $" ({string.Join(", ", named)})";
    }
}
