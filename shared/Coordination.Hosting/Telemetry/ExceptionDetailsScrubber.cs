using System.Diagnostics;
using System.Reflection;
using OpenTelemetry;

namespace Coordination.Hosting.Telemetry;

/// <summary>
/// No exported span carries an exception's message: MassTransit's consume and send spans and Npgsql's command spans
/// record it (as the "exception" event's message and in its stack trace, and as the span's status description), and
/// a message can quote embargoed data (PostgreSQL's <c>invalid input syntax for type uuid: "…"</c>, a consumer's own
/// exception). What stays is the exception's type and its stack frames, enough to find the failing code.
/// Runs when a span ends, before the exporter's processor, which reads the span later.
/// </summary>
/// <remarks>
/// An <see cref="ActivityEvent"/> copies its tags and <see cref="Activity"/> has no way to change or remove an event,
/// so the event is swapped in Activity's own event list, reached by reflection (its fields <c>_events</c>,
/// <c>_first</c>, <c>Value</c>, <c>Next</c> in .NET 10). Should a runtime lack them, a span holding an exception is
/// not exported at all rather than exported with the message; <c>ExceptionTelemetryTests</c> fails then.
/// </remarks>
public sealed class ExceptionDetailsScrubber : BaseProcessor<Activity>
{
    private const string EventName = "exception";
    private const string MessageTag = "exception.message";
    private const string StackTraceTag = "exception.stacktrace";
    private const string TypeTag = "exception.type";
    private static readonly string[] SpanTags = ["otel.status_description", MessageTag, StackTraceTag];
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly FieldInfo? EventsField = typeof(Activity).GetField("_events", Instance);

    public override void OnEnd(Activity activity)
    {
        string? exceptionType = null;
        foreach (var activityEvent in activity.Events)
        {
            if (activityEvent.Name != EventName) continue;
            exceptionType = activityEvent.Tags.FirstOrDefault(t => t.Key == TypeTag).Value?.ToString();
            if (!TryReplaceExceptionEvents(activity)) activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            break;
        }
        if (activity.Status == ActivityStatusCode.Error) activity.SetStatus(ActivityStatusCode.Error, exceptionType);
        foreach (var key in SpanTags)
            if (activity.GetTagItem(key) is not null) activity.SetTag(key, null);
    }

    private static bool TryReplaceExceptionEvents(Activity activity)
    {
        var list = EventsField?.GetValue(activity);
        var node = list?.GetType().GetField("_first", Instance)?.GetValue(list);
        while (node is not null)
        {
            var value = node.GetType().GetField("Value", Instance);
            var next = node.GetType().GetField("Next", Instance);
            if (value is null || next is null || value.GetValue(node) is not ActivityEvent activityEvent) return false;
            if (activityEvent.Name == EventName) value.SetValue(node, Scrubbed(activityEvent));
            node = next.GetValue(node);
        }
        return list is not null;
    }

    private static ActivityEvent Scrubbed(ActivityEvent exception)
    {
        var tags = new ActivityTagsCollection(exception.Tags);
        tags[MessageTag] = tags.TryGetValue(TypeTag, out var type) ? type : null;
        if (tags.TryGetValue(StackTraceTag, out var trace) && trace is string text) tags[StackTraceTag] = FramesOnly(text);
        return new ActivityEvent(exception.Name, exception.Timestamp, tags);
    }

    /// <summary>Exception.ToString() without the messages: only its "at …" frames and "--- End of …" separators.</summary>
    internal static string FramesOnly(string trace) =>
        string.Join('\n', trace.Split('\n').Select(l => l.TrimEnd('\r')).Where(IsFrame));

    private static bool IsFrame(string line)
    {
        var trimmed = line.TrimStart();
        return trimmed.StartsWith("at ", StringComparison.Ordinal) || trimmed.StartsWith("--- End of", StringComparison.Ordinal);
    }
}
