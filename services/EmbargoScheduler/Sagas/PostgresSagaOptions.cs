using System.Text.RegularExpressions;
using MassTransit;
using Npgsql;

namespace EmbargoScheduler.Sagas;

/// <summary>Where a saga type lives (its table in the service's schema) and how to read its current state.</summary>
public sealed partial class PostgresSagaOptions<TSaga> where TSaga : class, ISaga
{
    public PostgresSagaOptions(string table, Func<TSaga, string?> currentState)
    {
        if (!Identifier().IsMatch(table)) throw new ArgumentException("a lower-case SQL identifier is required", nameof(table));
        Table = table;
        CurrentState = currentState;
    }

    public string Table { get; }
    public Func<TSaga, string?> CurrentState { get; }

    /// <summary>
    /// Extra payloads of each consume's repository context, made from the consume and its transaction, so that code
    /// the state machine calls (e.g. a MessageSchedulerContext) can write in that same transaction.
    /// </summary>
    public List<Func<ConsumeContext, NpgsqlTransaction, object>> TransactionPayloads { get; } = [];

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}\\z")]
    private static partial Regex Identifier();
}
