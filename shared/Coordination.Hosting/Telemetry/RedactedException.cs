using System.Text;

namespace Coordination.Hosting.Telemetry;

/// <summary>
/// What a log record carries in place of an exception: its type and stack frames, and those of its inner exceptions,
/// without any message (a message can quote embargoed data: PostgreSQL's <c>invalid input syntax for type uuid: "…"</c>,
/// an SMTP server's reply, a consumer's own exception).
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _frames;
    private readonly IReadOnlyList<RedactedException> _inner;

    public RedactedException(Exception original)
        : this(original, Inner(original).Select(e => new RedactedException(e)).ToList())
    {
    }

    private RedactedException(Exception original, IReadOnlyList<RedactedException> inner)
        : base($"{original.GetType().FullName} (message withheld)", inner.FirstOrDefault())
    {
        OriginalType = original.GetType().FullName ?? original.GetType().Name;
        _frames = original.StackTrace;
        _inner = inner;
        HResult = original.HResult;
    }

    /// <summary>The full name of the exception this stands for.</summary>
    public string OriginalType { get; }

    public override string? StackTrace => _frames;

    /// <summary>As <see cref="Exception.ToString"/> lays an exception out, every inner exception included.</summary>
    public override string ToString()
    {
        var text = new StringBuilder(Message);
        foreach (var inner in _inner)
            text.AppendLine().Append(" ---> ").Append(inner).AppendLine().Append("   --- End of inner exception stack trace ---");
        if (_frames is not null) text.AppendLine().Append(_frames);
        return text.ToString();
    }

    /// <summary>The messages of an exception and of every exception inside it, those a log line could quote.</summary>
    public static IReadOnlyList<string> MessagesOf(Exception exception)
    {
        var messages = new List<string>();
        var pending = new Stack<Exception>([exception]);
        while (pending.TryPop(out var next))
        {
            if (!string.IsNullOrWhiteSpace(next.Message)) messages.Add(next.Message);
            foreach (var inner in Inner(next)) pending.Push(inner);
        }
        return messages;
    }

    private static IEnumerable<Exception> Inner(Exception exception) => exception switch
    {
        AggregateException aggregate => aggregate.InnerExceptions,
        { InnerException: { } inner } => [inner],
        _ => [],
    };
}
