using System.Diagnostics;
using Coordination.Hosting.Mail;
using DownstreamNotifier.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Records the mail server's acceptance of notices for all sender workers with one statement per group (group
/// commit). A worker hands over each acceptance and goes on; before it sends a notice it waits until all but
/// <see cref="UncommittedPerWorker"/> of its earlier acceptances are committed, so a crash can send again at most the
/// notice in flight and that many before it on each connection. The recorder gathers a group for up to
/// <see cref="GroupWindow"/>, or until every worker's acceptances are in it. When each worker waited for its own
/// acceptance, groups held one or two, and the statement, the commit and the thread wake-ups around them cost about a
/// quarter of a millisecond of CPU per notice in the fan-out benchmark (service and database; a fifth of all the CPU a
/// notice took); in groups of seven to nine, hardly anything.
/// </summary>
public sealed partial class AcceptanceRecorder : IDisposable
{
    /// <summary>How many of its acceptances a worker may leave uncommitted when it sends its next notice.</summary>
    public const int UncommittedPerWorker = 1;

    /// <summary>How long the first acceptance of a group waits for others before the group is written.</summary>
    public static readonly TimeSpan GroupWindow = TimeSpan.FromMilliseconds(2);

    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<AcceptanceRecorder> logger;
    // A list swapped under a lock rather than a BlockingCollection: its semaphore spins (yielding the CPU in a loop)
    // before it blocks, and on two cores that spinning cost as much as the handing over itself.
    private readonly object gate = new(); // Monitor.Wait/Pulse, which System.Threading.Lock has not
    private List<Pending> queue = new();
    private long firstQueuedAt; // Stopwatch timestamp of the queue's oldest acceptance
    private bool completed;
    private readonly Thread thread;
    // Every acceptance the workers can have outstanding at once: no more can come before some of these are written.
    private readonly int fullGroup;

    public AcceptanceRecorder(DeliveryDataSource dataSource, IOptions<SmtpOptions> smtpOptions, ILogger<AcceptanceRecorder> logger)
    {
        this.dataSource = dataSource.Value;
        this.logger = logger;
        fullGroup = smtpOptions.Value.MaxConnections * (UncommittedPerWorker + 1);
        thread = new Thread(Run) { IsBackground = true, Name = "acceptance-recorder" };
        thread.Start();
    }

    /// <summary>Queues the acceptance for the next group; <see cref="Pending.WaitCommitted"/> returns once it is committed.</summary>
    public Pending Record(long noticeId, string? reply, DateTimeOffset at)
    {
        var pending = new Pending(noticeId, reply, at.UtcDateTime);
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(completed, this);
            queue.Add(pending);
            if (queue.Count == 1) firstQueuedAt = Stopwatch.GetTimestamp();
            if (queue.Count == 1 || queue.Count == fullGroup) Monitor.Pulse(gate);
        }
        return pending;
    }

    private void Run()
    {
        NpgsqlConnection? conn = null;
        NpgsqlCommand? insert = null;
        var group = new List<Pending>();
        while (Next(ref group))
        {
            try
            {
                if (conn is null)
                {
                    conn = dataSource.OpenConnection();
                    insert = NoticeStore.PrepareAccepted(conn);
                }
                NoticeStore.RecordAccepted(insert!, group);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Any failure fails this group (its senders roll their batches back) and never ends the thread: waiting
                // workers would otherwise wait for good.
                LogFailed(group.Count, e.GetType().Name);
                foreach (var p in group) p.Error = e as NpgsqlException ?? new NpgsqlException("acceptance not recorded", e);
                insert?.Dispose();
                conn?.Dispose();
                (conn, insert) = (null, null);
            }
            foreach (var p in group) p.Done.Set();
            group.Clear();
        }
        insert?.Dispose();
        conn?.Dispose();
    }

    // Waits for an acceptance, then for the group to fill or its window to pass, and takes the group (the list handed
    // in is empty and becomes the next queue).
    private bool Next(ref List<Pending> group)
    {
        lock (gate)
        {
            while (queue.Count == 0)
            {
                if (completed) return false;
                Monitor.Wait(gate);
            }
            while (queue.Count < fullGroup && !completed)
            {
                var left = GroupWindow - Stopwatch.GetElapsedTime(firstQueuedAt);
                if (left <= TimeSpan.Zero) break;
                Monitor.Wait(gate, (int)Math.Ceiling(left.TotalMilliseconds)); // whole milliseconds: less would be 0, a spin
            }
            (group, queue) = (queue, group);
            return true;
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            completed = true;
            Monitor.Pulse(gate);
        }
        thread.Join(TimeSpan.FromSeconds(5));
    }

    public sealed class Pending(long noticeId, string? reply, DateTime at)
    {
        public long NoticeId { get; } = noticeId;
        public string? Reply { get; } = reply;
        public DateTime At { get; } = at;
        // No spinning before blocking: on two cores a spinning waiter takes the CPU the recorder needs.
        public ManualResetEventSlim Done { get; } = new(false, spinCount: 0);
        public Exception? Error { get; set; }

        /// <exception cref="NpgsqlException">it could not be recorded.</exception>
        public void WaitCommitted()
        {
            Done.Wait();
            Done.Dispose();
            if (Error is { } e) throw e;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} acceptances failed ({Error}); their senders retry")]
    private partial void LogFailed(int count, string error);
}
