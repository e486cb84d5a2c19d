using DownstreamNotifier.Delivery;

namespace DownstreamNotifier.Tests;

public sealed class ClaimCursorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Claims_start_at_the_beginning_then_after_the_furthest_row_claimed()
    {
        var cursor = new ClaimCursor();
        Assert.Equal(ClaimCursor.Position.Start, cursor.ClaimFrom(T0));

        cursor.Advance(new(T0, 200));
        cursor.Advance(new(T0, 100)); // a worker that claimed earlier rows reports after one that claimed later ones
        Assert.Equal(new ClaimCursor.Position(T0, 200), cursor.ClaimFrom(T0.AddSeconds(1)));

        cursor.Advance(new(T0.AddSeconds(1), 5)); // a later due time outranks a higher id
        Assert.Equal(new ClaimCursor.Position(T0.AddSeconds(1), 5), cursor.ClaimFrom(T0.AddSeconds(2)));
    }

    [Fact]
    public void Revisits_the_start_periodically_so_rows_behind_the_cursor_are_not_left_waiting()
    {
        var cursor = new ClaimCursor();
        cursor.ClaimFrom(T0);
        cursor.Advance(new(T0, 500));

        Assert.Equal(new ClaimCursor.Position(T0, 500), cursor.ClaimFrom(T0 + ClaimCursor.RevisitStartEvery - TimeSpan.FromMilliseconds(1)));
        Assert.Equal(ClaimCursor.Position.Start, cursor.ClaimFrom(T0 + ClaimCursor.RevisitStartEvery));
        Assert.Equal(new ClaimCursor.Position(T0, 500), cursor.ClaimFrom(T0 + ClaimCursor.RevisitStartEvery + TimeSpan.FromSeconds(1)));
    }
}
