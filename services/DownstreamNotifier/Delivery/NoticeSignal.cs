namespace DownstreamNotifier.Delivery;

/// <summary>Wakes the sender workers when new notices were committed (they also poll).</summary>
public sealed class NoticeSignal
{
    private TaskCompletionSource current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Pulse() => Interlocked.Exchange(ref current, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try { await Volatile.Read(ref current).Task.WaitAsync(timeout, ct); }
        catch (TimeoutException) { }
    }
}
