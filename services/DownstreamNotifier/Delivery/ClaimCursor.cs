namespace DownstreamNotifier.Delivery;

/// <summary>
/// How far this instance's workers have claimed in due order (next_attempt_at, id). A worker claims after this point,
/// so it does not step over the rows the other workers hold locked (from the start of the index, every claim of 100
/// checked the ~700 locked rows ahead of it one by one). Rows behind the cursor (a batch rolled back, rows another
/// instance released) are claimed from the start: to fill a batch when fewer than a full one are due after the cursor
/// (NoticeStore.ClaimBatch), and at least every
/// <see cref="RevisitStartEvery"/> so that a steady stream of new notices cannot keep them waiting.
/// </summary>
public sealed class ClaimCursor
{
    public static readonly TimeSpan RevisitStartEvery = TimeSpan.FromSeconds(10);

    public readonly record struct Position(DateTimeOffset At, long Id) : IComparable<Position>
    {
        public static readonly Position Start = new(DateTimeOffset.MinValue, 0);

        public int CompareTo(Position other) => At != other.At ? At.CompareTo(other.At) : Id.CompareTo(other.Id);
    }

    private readonly Lock gate = new();
    private Position furthest = Position.Start;
    private DateTimeOffset startVisitedAt = DateTimeOffset.MinValue;

    /// <summary>Where the next claim begins: after the furthest claimed row, or at the start when that is due.</summary>
    public Position ClaimFrom(DateTimeOffset now)
    {
        lock (gate)
        {
            if (now - startVisitedAt < RevisitStartEvery) return furthest;
            startVisitedAt = now;
            return Position.Start;
        }
    }

    public void Advance(Position claimed)
    {
        lock (gate)
            if (claimed.CompareTo(furthest) > 0) furthest = claimed;
    }
}
