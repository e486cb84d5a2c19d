using DownstreamNotifier.Data;
using Npgsql;

namespace DownstreamNotifier.Delivery;

/// <summary>
/// Records the mail server's acceptance of notices for all sender workers with one statement per group (group
/// commit). A worker hands over its acceptance and waits until it is committed before it sends its next notice (it
/// composes that notice meanwhile), so the crash window stays one loopback round trip per notice; what the group
/// saves is a statement, a commit and a database wake-up per notice (in the fan-out benchmark about a tenth of the
/// service's CPU and of the database's).
/// </summary>
public sealed partial class AcceptanceRecorder : IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly ILogger<AcceptanceRecorder> logger;
    // A list swapped under a lock rather than a BlockingCollection: its semaphore spins (yielding the CPU in a loop)
    // before it blocks, and on two cores that spinning cost as much as the handing over itself.
    private readonly object gate = new(); // Monitor.Wait/Pulse, which System.Threading.Lock has not
    private List<Pending> queue = new();
    private bool completed;
    private readonly Thread thread;

    public AcceptanceRecorder(DeliveryDataSource dataSource, ILogger<AcceptanceRecorder> logger)
    {
        this.dataSource = dataSource.Value;
        this.logger = logger;
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
            if (queue.Count == 1) Monitor.Pulse(gate);
        }
        return pending;
    }

    private void Run()
    {
        NpgsqlConnection? conn = null;
        NpgsqlCommand? insert = null;
        var group = new List<Pending>(); // at most one acceptance per sender worker
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
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
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

    // Waits for acceptances and takes all of them (the group handed in is empty and becomes the next queue).
    private bool Next(ref List<Pending> group)
    {
        lock (gate)
        {
            while (queue.Count == 0)
            {
                if (completed) return false;
                Monitor.Wait(gate);
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
