namespace DownstreamNotifier.Delivery;

/// <summary>Exponential backoff with ±25 % jitter: base · 2^(attempt-1), capped.</summary>
public static class RetrySchedule
{
    public static TimeSpan Delay(int attempt, NotifierOptions o)
    {
        var seconds = Math.Min(o.RetryMaxDelaySeconds, o.RetryBaseDelaySeconds * Math.Pow(2, Math.Min(attempt - 1, 30)));
        var jitter = 0.75 + Random.Shared.NextDouble() * 0.5;
        return TimeSpan.FromSeconds(Math.Max(1, seconds * jitter));
    }
}
