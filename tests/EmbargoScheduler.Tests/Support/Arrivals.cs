using System.Collections.Concurrent;

namespace EmbargoScheduler.Tests.Support;

/// <summary>What a test endpoint received: each message, when, and its scheduling token header.</summary>
public sealed class Arrivals<T> where T : class
{
    private readonly ConcurrentQueue<Arrival<T>> items = new();

    public void Add(Arrival<T> arrival) => items.Enqueue(arrival);

    public IReadOnlyList<Arrival<T>> All => items.ToArray();

    public async Task<bool> WaitForCountAsync(int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (items.Count < count && DateTime.UtcNow < deadline) await Task.Delay(50);
        return items.Count >= count;
    }
}
